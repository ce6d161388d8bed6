import ArgumentParser
import Foundation
import Logging
import Model
import Monitor
import ServiceLifecycle
import SNMP
import Store

/// `edunetd`: the EduNet daemon. Loads and validates the configuration, then polls every SNMP-managed device
/// of the inventory at the interval and stores interface rates, until SIGTERM or SIGINT.
@main
struct EdunetDaemon: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edunetd",
        abstract: "The EduNet daemon: polls the city school network and stores what it measures.",
        discussion: """
            Without --config it reads ./inventory and ./policies and writes $EDUNET_DB (else ./edunet.sqlite),
            polling every 60 s. A configuration file (YAML) can set: database, inventory, policies, log_level and
            poll: {interval_seconds, max_devices_in_flight, timeout_seconds, retries, seed}; paths are relative
            to the file. Stops cleanly on SIGTERM or SIGINT (exit status 0); exit status 1 when the configuration,
            inventory or policies are invalid, 3 when the database cannot be opened.
            """
    )

    @Option(help: ArgumentHelp("Configuration file (YAML).", valueName: "file")) var config: String?
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (overrides the file).") var logLevel: Logger.Level?

    func run() async throws {
        let settings: DaemonConfiguration
        do {
            if let config { settings = try DaemonConfiguration.load(path: config) } else {
                settings = DaemonConfiguration(database: ProcessInfo.processInfo.environment["EDUNET_DB"] ?? "edunet.sqlite")
            }
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(1)
        }
        let level = logLevel ?? Logger.Level(rawValue: settings.logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "edunetd")
        let city: CityConfiguration
        do {
            city = try ConfigurationLoader.load(inventoryDirectory: settings.inventory, policiesDirectory: settings.policies)
        } catch {
            logger.error("configuration rejected", metadata: ["problems": "\(error.diagnostics.count)"])
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(1)
        }
        let database: StoreDatabase
        do { database = try StoreDatabase(path: settings.database) } catch {
            logger.error("\(error.message)")
            throw ExitCode(3)
        }
        let (devices, problems) = PolledDevice.all(in: city.inventory, timeout: settings.snmpTimeout, retries: settings.snmpRetries)
        for (reason, ids) in Dictionary(grouping: problems, by: \.reason).sorted(by: { $0.key < $1.key }) {
            let names = ids.map(\.device)
            logger.warning("devices not polled", metadata: [
                "count": "\(names.count)", "reason": "\(reason)",
                "devices": "\(names.prefix(5).joined(separator: ", "))\(names.count > 5 ? ", …" : "")",
            ])
        }
        let loop = PollingLoop(devices: devices, poller: InterfacePoller(engine: SNMPEngine()), store: MeasurementStore(database: database),
                               settings: .init(interval: settings.pollInterval, maxDevicesInFlight: settings.maxDevicesInFlight, seed: settings.seed),
                               logger: logger)
        logger.info("configuration loaded", metadata: [
            "schools": "\(city.inventory.schools.count)", "devices": "\(city.inventory.devices.count)", "polled": "\(devices.count)",
            "interval": "\(settings.pollInterval)", "database": "\(settings.database)",
        ])
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: PollingService(loop: loop, logger: logger), successTerminationBehavior: .gracefullyShutdownGroup)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        ))
        try await group.run()
        logger.info("stopped")
    }
}

/// Runs the polling loop until a graceful shutdown: polls under way are cancelled, a batch being written is finished.
struct PollingService: Service {
    let loop: PollingLoop
    let logger: Logger

    func run() async throws {
        logger.info("ready")
        await cancelWhenGracefulShutdown { await loop.run() }
        try? await gracefulShutdown()  // with nothing to poll, stay up until asked to stop
        let statistics = await loop.statistics
        logger.info("shutting down", metadata: ["polls": "\(statistics.polls)", "failures": "\(statistics.failures)",
                                                 "measurements": "\(statistics.measurements)"])
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
