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
        let status = try DaemonStatusStore(database: try database.openDatabase()).read()
        guard let status else {
            Terminal.error("edunetd has not run against \(database.resolvedPath); start it with `edunetd --config FILE`")
            throw ExitCode(1)
        }
        let now = Date()
        let running = status.isRunning(at: now)
        if format == .json {
            Terminal.print(String(decoding: try JSONDocument.encode(schema: "edunet.status/v1", key: "status", Report(running: running, daemon: status)), as: UTF8.self))
        } else {
            let formatter = ISO8601DateFormatter()
            let state = running ? "running (heartbeat \(Int(now.timeIntervalSince(status.heartbeatAt))) s ago)"
                : status.stoppedAt.map { "stopped at \(formatter.string(from: $0))" } ?? "not running (last heartbeat \(formatter.string(from: status.heartbeatAt)))"
            Terminal.print(KeyValueLines.render([
                ("edunetd", state),
                ("started", formatter.string(from: status.startedAt)),
                ("interval", "\(status.pollIntervalSeconds.formatted()) s"),
                ("last cycle", status.lastCycleSeconds.map { cycle in
                    String(format: "%.1f s (every device one poll; latest start %.1f s behind schedule)", cycle, status.lastCycleMaxLatenessSeconds ?? 0)
                } ?? "first cycle under way"),
                ("devices", "\(status.devicesPolled) polled, \(status.devicesDown.count) down, \(status.devicesLate.count) late"),
                ("down", status.devicesDown.isEmpty ? "—" : status.devicesDown.joined(separator: ", ")),
                ("late", status.devicesLate.isEmpty ? "—" : status.devicesLate.joined(separator: ", ")),
                ("polls", "\(status.polls) (\(status.failures) failed), \(status.measurements) interface measurements"),
            ]))
        }
        if !running { throw ExitCode(1) }
    }

    private struct Report: Encodable {
        let running: Bool
        let daemon: DaemonStatus
    }
}
