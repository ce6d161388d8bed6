import BenchSupport
import Foundation
import Monitor
import SNMP

/// The SNMP engine's benchmark poller: walks IF-MIB ifTable and ifXTable (side by side, as the interface
/// poller does) of every `ip:port` line of a file,
/// all devices in flight at once (up to --concurrency; requests in flight up to --max-in-flight), and prints `ok=<devices fully polled> varbinds=<count>`
/// as its last line, the contract of the peer benchmark (scripts/bench-snmp.sh). With `--daemon-columns 1` it asks
/// what the daemon's interface poll asks (the system group, then its 16 columns at its repetitions), `--rounds`
/// times over the file, and adds `cpu=<seconds>`: the bare walk beside which scripts/bench-daemon.sh puts a poll;
/// `--spread-seconds S` paces each round over S seconds, as the daemon spreads a cycle over its interval, and
/// `--slot-milliseconds T` starts the walks due in each T ms together, as the daemon starts its polls.
@main
struct SNMPBench {
    static func main() async throws {
        var command = BenchCommandLine()
        let concurrency = command.option("--concurrency", 1000)
        let maxInFlight = command.option("--max-in-flight", 1000)
        let perAgent = command.option("--max-in-flight-per-agent", 64)
        let maxRepetitions = command.option("--max-repetitions", Int(ProcessInfo.processInfo.environment["MAXREP"] ?? "") ?? 25)
        let timeout = command.option("--timeout", Int(ProcessInfo.processInfo.environment["SNMP_TIMEOUT"] ?? "") ?? 5)
        let retries = command.option("--retries", Int(ProcessInfo.processInfo.environment["SNMP_RETRIES"] ?? "") ?? 3)
        let daemonColumns = command.option("--daemon-columns", 0) == 1
        let rounds = command.option("--rounds", 1)
        // Rounds paced as the daemon paces a cycle: device k of a round starts k/N of the way through its seconds.
        let spread = command.option("--spread-seconds", 0)
        let slot = Double(command.option("--slot-milliseconds", 0)) / 1000
        let idleSession = command.option("--idle-session-seconds", 10)
        let community = ProcessInfo.processInfo.environment["COMMUNITY"] ?? "public"
        guard let file = command.arguments.first, let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            BenchCommandLine.usage(
                "snmp-bench TARGETS_FILE [--concurrency N] [--max-in-flight N] [--max-in-flight-per-agent N] [--max-repetitions N] [--timeout S] [--retries N] [--daemon-columns 1] [--rounds N] [--spread-seconds S] [--slot-milliseconds MS] [--idle-session-seconds S]"
            )
        }
        let targets = text.split(whereSeparator: \.isNewline).compactMap { line -> SNMPTarget? in
            let parts = line.split(separator: ":")
            guard parts.count == 2, let port = UInt16(parts[1]) else { return nil }
            return SNMPTarget(
                host: String(parts[0]), port: port, credentials: .v2c(community: community),
                timeout: .seconds(timeout), retries: retries)
        }
        // Each line is its own device, even when several lines name the same agent.
        let engine = SNMPEngine(
            configuration: .init(
                maxInFlight: maxInFlight, maxInFlightPerDevice: 1, maxInFlightPerAgent: perAgent, idleSessionTimeout: .seconds(idleSession)))
        let roots: [OID] = daemonColumns ? InterfacePoller.walkedColumns : ["1.3.6.1.2.1.2.2", "1.3.6.1.2.1.31.1.1"]
        let repetitions = daemonColumns ? InterfacePoller.repetitions(maxRepetitions) : maxRepetitions
        let cpu = BenchCommandLine.processCPU()
        let clock = ContinuousClock()
        let began = clock.now
        var ok = 0
        var varbinds = 0
        var failures: [String: Int] = [:]
        await withTaskGroup(of: (Int, String?).self) { group in
            var next = 0
            func add() {
                guard next < targets.count * rounds else { return }
                var target = targets[next % targets.count]
                target.name = "device-\(next % targets.count)"
                next += 1
                let offset = Double(spread) * Double(next - 1) / Double(targets.count)
                let due = Duration.seconds(slot > 0 ? (offset / slot).rounded(.down) * slot : offset)
                group.addTask {
                    var count = 0
                    if spread > 0 { try? await Task.sleep(until: began + due, clock: clock) }
                    do throws(SNMPError) {
                        if daemonColumns { count += try await engine.get(target, InterfacePoller.systemObjects).count }
                        try await engine.walk(target, roots: roots, maxRepetitions: repetitions) { _, batch in count += batch.count }
                        return (count, nil)
                    } catch {
                        return (count, "\(error.code)")
                    }
                }
            }
            // Paced, every walk waits for its time in a task of its own; otherwise `concurrency` in flight.
            for _ in 0..<(spread > 0 ? targets.count * rounds : min(concurrency, targets.count)) { add() }
            for await (count, failure) in group {
                varbinds += count
                if let failure { failures[failure, default: 0] += 1 } else { ok += 1 }
                add()
            }
        }
        if !failures.isEmpty { FileHandle.standardError.write(Data("failures: \(failures)\n".utf8)) }
        print("ok=\(ok) varbinds=\(varbinds)" + (daemonColumns ? " cpu=\(BenchCommandLine.processCPU() - cpu)" : ""))
    }
}
