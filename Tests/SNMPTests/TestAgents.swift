import Foundation
import SNMP

/// Real SNMP agents on loopback for the tests, started once per test process by `scripts/test-agents.sh`
/// and stopped by it (each also exits by itself after its time-to-live).
enum TestAgents {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let base = FileManager.default.temporaryDirectory.appendingPathComponent("edunet-test-agents")

    struct Agent: Sendable {
        let host = "127.0.0.1"
        let port: UInt16
    }

    /// net-snmp's snmpd with the v2c community `edunet-test` and a v3 user per auth/privacy combination.
    static func snmpd() async -> Agent {
        await registry.agent("snmpd") {
            start(["snmpd", base.appendingPathComponent("snmpd-\(getpid())").path], port: freePort(offset: 0))
        }
    }

    /// Recordings by snmpsim process: two processes, about the same number of varbinds each, use both cores.
    static let shards: [[String]] = [
        ["ruijie-m18000", "arista-dcs-7150s-52-cl", "aruba-7210", "cisco-c3560", "cisco-c3750"],
        ["cisco-controller", "huawei-s12704", "h3c-e528-2", "hpe-procurve-516733-b21", "huawei-s5720", "ubiquiti-m5"],
    ]

    /// snmpsim serving the real device recordings (and, on shard 0, the test's own), one community per recording.
    static func snmpsim(shard: Int = 0) async -> Agent {
        await registry.agent("snmpsim-\(shard)") {
            let directory = base.appendingPathComponent("snmpsim-\(shard)")
            if shard == 0 {
                let extra = directory.appendingPathComponent("extra")
                try? FileManager.default.createDirectory(at: extra, withIntermediateDirectories: true)
                for (name, text) in Recordings.synthetic {
                    try? text.write(to: extra.appendingPathComponent("\(name).snmprec"), atomically: true, encoding: .utf8)
                }
            }
            return start(["snmpsim", directory.path], port: freePort(offset: 1 + shard * 2), extra: shards[shard])
        }
    }

    /// The snmpsim process serving `recording`.
    static func snmpsim(serving recording: String) async -> Agent {
        await snmpsim(shard: shards.firstIndex { $0.contains(recording) } ?? 0)
    }

    /// A slow device: snmpd behind a proxy that answers 1.5 s late.
    static func slow() async -> Agent {
        let upstream = await snmpd()
        return await registry.agent("slow") {
            start(["slow", base.appendingPathComponent("snmpd-\(getpid())").path], port: freePort(offset: 2),
                  extra: [String(upstream.port), "1500"])
        }
    }

    /// Starts each agent once, on a thread of its own: the script blocks for seconds, which must not hold
    /// up the threads that run the tests' tasks.
    private actor Registry {
        private var agents: [String: Task<Agent, Never>] = [:]

        func agent(_ kind: String, start: @escaping @Sendable () -> Agent) async -> Agent {
            if let task = agents[kind] { return await task.value }
            let task = Task<Agent, Never> {
                await withCheckedContinuation { continuation in
                    Thread { continuation.resume(returning: start()) }.start()
                }
            }
            agents[kind] = task
            return await task.value
        }
    }

    private static let registry = Registry()

    static func target(_ agent: Agent, community: String, timeout: Duration = .seconds(2), retries: Int = 1) -> SNMPTarget {
        SNMPTarget(host: agent.host, port: agent.port, credentials: .v2c(community: community), timeout: timeout, retries: retries)
    }

    /// A port for this process, away from well-known ones and from other test processes.
    private static func freePort(offset: Int) -> UInt16 { UInt16(20_000 + (Int(getpid()) % 8_000) * 5 + offset) }

    /// Runs `scripts/test-agents.sh KIND DIR PORT EXTRA…` and waits for it to say the agent is ready.
    private static func start(_ kindAndDirectory: [String], port: UInt16, extra: [String] = []) -> Agent {
        let arguments = kindAndDirectory + [String(port)] + extra
        let directory = URL(fileURLWithPath: arguments[1])
        let kind = arguments[0]
        // Output goes to a file, not a pipe: the agents it starts live on after the script exits. The script is
        // run with posix_spawn and waitpid: Foundation's Process was seen to wait forever here.
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let log = directory.appendingPathComponent("start-\(kind).log").path
        let script = root.appendingPathComponent("scripts/test-agents.sh").path
        let quoted = arguments.map { "'\($0)'" }.joined(separator: " ")
        let command = "AGENT_TTL=1800 exec /bin/bash '\(script)' \(quoted) > '\(log)' 2>&1 < /dev/null"
        var pid: pid_t = 0
        let shell: [String] = ["/bin/sh", "-c", command]
        var argv: [UnsafeMutablePointer<CChar>?] = shell.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let spawned = posix_spawn(&pid, "/bin/sh", nil, nil, &argv, environ)
        precondition(spawned == 0, "cannot run scripts/test-agents.sh: error \(spawned)")
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        precondition(status == 0 && text.contains("ready"), "\(kind) did not start: \(text)")
        return Agent(port: port)
    }
}
