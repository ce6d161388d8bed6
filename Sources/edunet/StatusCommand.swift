import ArgumentParser
import Foundation
import Model
import Reports
import Store

struct StatusCommand: EdunetSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Is edunetd running, and how do the devices fare?",
        discussion: "Exit status 0 when the daemon is running; 1 when it has stopped, is silent for two intervals, or never ran on this database."
    )
    @OptionGroup var database: DatabaseOptions
    @Option(help: "Output format: text or json.") var format: SNMPOutputFormat = .text

    func execute() throws {
        let db = try database.openDatabase()
        let status = try DaemonStatusStore(database: db).read()
        guard let status else {
            Terminal.error("edunetd has not run against \(database.resolvedPath); start it with `edunetd --config FILE`")
            throw ExitCode(1)
        }
        let now = Date()
        let running = status.isRunning(at: now)
        let alertStore = AlertStore(database: db)
        let alerts = Report.Alerts(
            firing: try alertStore.firingCounts().mapKeys(\.rawValue), outbox: try alertStore.outboxCounts().mapKeys(\.rawValue))
        if format == .json {
            Terminal.print(
                String(
                    decoding: try JSONDocument.encode(
                        schema: "edunet.status/v1", key: "status", Report(running: running, daemon: status, alerts: alerts)),
                    as: UTF8.self))
        } else {
            let state =
                running
                ? "running (heartbeat \(Int(now.timeIntervalSince(status.heartbeatAt))) s ago)"
                : status.stoppedAt.map { "stopped at \(CityTime.second($0))" }
                    ?? "not running (last heartbeat \(CityTime.second(status.heartbeatAt)))"
            Terminal.print(
                KeyValueLines.render([
                    ("edunetd", state),
                    ("started", CityTime.second(status.startedAt)),
                    ("interval", "\(status.pollIntervalSeconds.formatted()) s"),
                    (
                        "last cycle",
                        status.lastCycleSeconds.map { cycle in
                            String(
                                format: "%.1f s (every device one poll; latest start %.1f s behind schedule)", cycle,
                                status.lastCycleMaxLatenessSeconds ?? 0)
                        } ?? "first cycle under way"
                    ),
                    ("devices", "\(status.devicesPolled) polled, \(status.devicesDown.count) down, \(status.devicesLate.count) late"),
                    ("down", status.devicesDown.isEmpty ? "—" : status.devicesDown.joined(separator: ", ")),
                    ("late", status.devicesLate.isEmpty ? "—" : status.devicesLate.joined(separator: ", ")),
                    ("polls", "\(status.polls) (\(status.failures) failed), \(status.measurements) interface measurements"),
                    (
                        "alerts",
                        "\(alerts.firing.values.reduce(0, +)) firing ("
                            + AlertSeverity.allCases.reversed().map { "\(alerts.firing[$0.rawValue] ?? 0) \($0.rawValue)" }
                            .joined(separator: ", ") + ")"
                    ),
                    ("outbox", OutboxMessage.State.allCases.map { "\(alerts.outbox[$0.rawValue] ?? 0) \($0.rawValue)" }.joined(separator: ", ")),
                ]))
        }
        if !running { throw ExitCode(1) }
    }

    private struct Report: Encodable {
        /// Alerts firing by severity and outbox messages by state.
        struct Alerts: Encodable {
            let firing: [String: Int]
            let outbox: [String: Int]
        }

        let running: Bool
        let daemon: DaemonStatus
        let alerts: Alerts
    }
}

extension Dictionary {
    /// The same values under transformed keys.
    func mapKeys<K: Hashable>(_ transform: (Key) -> K) -> [K: Value] { [K: Value](uniqueKeysWithValues: map { (transform($0.key), $0.value) }) }
}
