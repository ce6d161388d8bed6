import ArgumentParser
import Foundation
import Logging
import Model
import ServiceLifecycle

/// `edunetd`: the EduNet daemon. For now it loads and validates the configuration, then runs until
/// SIGTERM or SIGINT and exits cleanly; polling, alerting and the HTTP API are added as services.
@main
struct EdunetDaemon: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edunetd",
        abstract: "The EduNet daemon: watches the city school network.",
        discussion: "Stops cleanly on SIGTERM or SIGINT (exit status 0). Exit status 1 when the inventory or policies are invalid."
    )

    @Option(help: ArgumentHelp("Inventory directory.", valueName: "dir")) var inventory = "inventory"
    @Option(help: ArgumentHelp("Policies directory.", valueName: "dir")) var policies = "policies"
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.") var logLevel: Logger.Level = .info

    func run() async throws {
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "edunetd")
        let configuration: CityConfiguration
        do {
            configuration = try ConfigurationLoader.load(inventoryDirectory: inventory, policiesDirectory: policies)
        } catch {
            logger.error("configuration rejected", metadata: ["problems": "\(error.diagnostics.count)"])
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(1)
        }
        logger.info("configuration loaded", metadata: [
            "schools": "\(configuration.inventory.schools.count)", "devices": "\(configuration.inventory.devices.count)",
        ])
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: ReadyService(logger: logger), successTerminationBehavior: .gracefullyShutdownGroup)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        ))
        try await group.run()
        logger.info("stopped")
    }
}

/// Holds the daemon up until a graceful shutdown is requested.
struct ReadyService: Service {
    let logger: Logger

    func run() async throws {
        logger.info("ready")
        try? await gracefulShutdown()
        logger.info("shutting down")
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
