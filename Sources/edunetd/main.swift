import ArgumentParser
import Daemon
import Foundation
import Logging
import Model

/// `edunetd`: the EduNet daemon. Loads and validates the configuration, then polls every SNMP-managed device
/// of the inventory at the interval and stores interface rates, until SIGTERM or SIGINT. SIGHUP reloads the
/// inventory and policies; a new configuration that does not validate is rejected and the old one stays.
@main
struct EdunetDaemon: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edunetd",
        abstract: "The EduNet daemon: polls the city school network and stores what it measures.",
        discussion: """
            Without --config it reads ./inventory and ./policies and writes $EDUNET_DB (else ./edunet.sqlite), \
            polling every 60 s. A configuration file (YAML) can set: database, inventory, policies, log_level and \
            poll: {interval_seconds, max_devices_in_flight, timeout_seconds, retries, seed}, retention_days, \
            http: {listen: HOST:PORT} (default 127.0.0.1:9464: /metrics and /healthz), traps: {port, host, community} \
            (default 127.0.0.1:1162 UDP, any community; port 0 turns the trap listener off; community is {env: NAME} or \
            {file: PATH}) and alerts: {tick_seconds, evaluate_seconds}; paths are relative to the file.

            Alerts are raised from polls, traps and compliance findings and sent to the receivers of \
            policies/alerting.yaml through a durable outbox in the database (see `edunet alerts --help`).

            SIGHUP reloads the inventory and policies (an invalid new one is rejected, the old one stays). Stops cleanly \
            on SIGTERM or SIGINT (exit status 0); exit status 1 when the configuration, inventory or policies are \
            invalid or a listening port is taken, 3 when the database cannot be opened.
            """
    )

    @Option(help: ArgumentHelp("Configuration file (YAML).", valueName: "file")) var config: String?
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (overrides the file).") var logLevel: Logger.Level?

    func run() async throws {
        let settings: DaemonConfiguration
        do {
            if let config {
                settings = try DaemonConfiguration.load(path: config)
            } else {
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
        do {
            try await Daemon.make(settings: settings, logger: logger).run()
        } catch {
            switch error.code {
            case .database: logger.error("\(error.message)")
            case .configuration: FileHandle.standardError.write(Data((error.message + "\n").utf8))
            default: FileHandle.standardError.write(Data("edunetd: \(error.message)\n".utf8))
            }
            throw ExitCode(error.code.exitStatus)
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
