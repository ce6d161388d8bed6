import Foundation
import SNMP

/// Real SNMP agents on loopback for the tests, started once per test process by `scripts/test-agents.sh`
/// and stopped by it (each also exits by itself after its time-to-live).
package enum TestAgents {
    package static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    package static let base = FileManager.default.temporaryDirectory.appendingPathComponent("edunet-test-agents")

    package struct Agent: Sendable {
        package let host = "127.0.0.1"
        package let port: UInt16
    }

    /// net-snmp's snmpd with the v2c community `edunet-test` and a v3 user per auth/privacy combination.
    package static func snmpd() async -> Agent {
        await registry.agent("snmpd") {
            start(["snmpd", base.appendingPathComponent("snmpd-\(getpid())").path], port: freePort(offset: 0))
        }
    }

    /// Recordings by snmpsim process: two processes, about the same number of varbinds each, use both cores; a
    /// third serves only the tests' own small recordings, so that a test timing a small device is not held up by
    /// another test walking a 50 MB recording.
    package static let shards: [[String]] = [
        ["ruijie-m18000", "arista-dcs-7150s-52-cl", "aruba-7210", "cisco-c3560", "cisco-c3750"],
        ["cisco-controller", "huawei-s12704", "h3c-e528-2", "hpe-procurve-516733-b21", "huawei-s5720", "ubiquiti-m5"],
        [],
    ]
    package static let syntheticShard = 2

    /// snmpsim serving the real device recordings (or, on the synthetic shard, the tests' own), one community per recording.
    package static func snmpsim(shard: Int = syntheticShard) async -> Agent {
        await registry.agent("snmpsim-\(shard)") {
            let directory = base.appendingPathComponent("snmpsim-\(shard)")
            if shard == syntheticShard {
                let extra = directory.appendingPathComponent("extra")
                try? FileManager.default.createDirectory(at: extra, withIntermediateDirectories: true)
                for (name, text) in Recordings.synthetic {
                    try? text.write(to: extra.appendingPathComponent("\(name).snmprec"), atomically: true, encoding: .utf8)
                }
            }
            return start(
                ["snmpsim", directory.path], port: freePort(offset: 1 + shard * 2),
                extra: shards[shard].isEmpty ? ["none"] : shards[shard])
        }
    }

    /// The snmpsim process serving `recording`.
    package static func snmpsim(serving recording: String) async -> Agent {
        await snmpsim(shard: shards.firstIndex { $0.contains(recording) } ?? syntheticShard)
    }

    /// The graded-protection agents (`scripts/test-agents.sh posture`): snmpd at 127.21.0.1 answering its own community
    /// `edunet-test` and the vendor default `public`, and snmpd at 127.21.0.2 answering only SNMPv3 (user `u-posture`,
    /// SHA-256/AES). The port is the slow proxy's, which listens on 127.0.0.1 only.
    package static func posture() async -> Agent {
        await registry.agent("posture") {
            start(["posture", base.appendingPathComponent("posture-\(getpid())").path], port: freePort(offset: 2))
        }
    }

    /// snmpd at 127.21.0.3 that takes SETs (`scripts/test-agents.sh writable`): write community `edunet-write`, read
    /// community `edunet-test`, v3 users `u-write` (read-write) and `u-read` (read-only). On the slow proxy's port too.
    /// Its values are shared by every test that writes them: `body` runs while no other test holds the agent.
    package static func withWritable<T>(_ body: (Agent) async throws -> T) async throws -> T {
        let agent = await registry.agent("writable") {
            start(["writable", base.appendingPathComponent("writable-\(getpid())").path], port: freePort(offset: 2))
        }
        return try await writers.holding { try await body(agent) }
    }

    /// The community of the writable switch recording: a real HPE ProCurve's system, interface, address and bridge
    /// tables (snmpsim-data's `hpe-procurve-516733-b21`), with ifAdminStatus and dot1qPvid writable.
    package static let writableSwitch = "hpe-procurve-516733-b21-writable"

    /// snmpsim serving `writableSwitch` alone (its walks of the bridge tables must not hold up the small recordings'
    /// responder, whose tests time their answers); `body` runs while no other test holds it, and must leave its values
    /// as it found them.
    package static func withWritableSwitch<T>(_ body: (Agent) async throws -> T) async throws -> T {
        let agent = await registry.agent("snmpsim-writable") {
            start(
                ["snmpsim", base.appendingPathComponent("snmpsim-writable").path], port: freePort(offset: 7),
                extra: ["hpe-procurve-516733-b21+writable"])
        }
        return try await switchWriters.holding { try await body(agent) }
    }

    /// One holder at a time, the others waiting in turn.
    private actor Turns {
        private var held = false
        private var waiting: [CheckedContinuation<Void, Never>] = []

        func acquire() async {
            guard held else {
                held = true
                return
            }
            await withCheckedContinuation { waiting.append($0) }
        }

        func release() {
            if waiting.isEmpty { held = false } else { waiting.removeFirst().resume() }
        }

        nonisolated func holding<T>(_ body: () async throws -> T) async throws -> T {
            await acquire()
            do {
                let result = try await body()
                await release()
                return result
            } catch {
                await release()
                throw error
            }
        }
    }

    private static let switchWriters = Turns()
    private static let writers = Turns()

    /// A slow device: snmpd behind a proxy that answers 1.5 s late.
    package static func slow() async -> Agent {
        let upstream = await snmpd()
        return await registry.agent("slow") {
            start(
                ["slow", base.appendingPathComponent("snmpd-\(getpid())").path], port: freePort(offset: 2),
                extra: [String(upstream.port), "1500"])
        }
    }

    /// A throw-away PostgreSQL server on 127.0.0.1 (`scripts/test-agents.sh postgres`): user `postgres`, no password
    /// (trust on loopback). Tests make a database of their own in it.
    package static func postgres() async -> Agent {
        await registry.agent("postgres") {
            start(["postgres", base.appendingPathComponent("postgres-\(getpid())").path], port: freePort(offset: 10))
        }
    }

    /// The simulated city of the sample inventory (`scripts/simnet.sh`), every device on its loopback address.
    package static func simulatedCity() async -> SimulatedCity {
        let directory = base.appendingPathComponent("simnet-\(getpid())")
        let port = await registry.agent("simnet") {
            let port = freePort(offset: 4)
            run(
                script: "simnet.sh", ["start", directory.path], environment: "SIMNET_PORT=\(port) SIMNET_TTL=1800",
                log: directory.appendingPathComponent("start.log"), ready: "simnet serving")
            return Agent(port: port)
        }.port
        return SimulatedCity(directory: directory, port: port)
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

    package static func target(_ agent: Agent, community: String, timeout: Duration = .seconds(2), retries: Int = 1) -> SNMPTarget {
        SNMPTarget(host: agent.host, port: agent.port, credentials: .v2c(community: community), timeout: timeout, retries: retries)
    }

    /// A port for this process, away from well-known ones and from other test processes: sixteen a process, each
    /// offset (0…15) one user's. UDP: 0 snmpd, 1/3/5 the snmpsim shards, 2 the slow proxy (posture, writable and slow
    /// share it, one at a time), 4 the simulated city, 7 the writable recording, 8 and 9 the clean-up test's agents.
    /// TCP: 10 PostgreSQL.
    package static func freePort(offset: Int) -> UInt16 { UInt16(20_000 + (Int(getpid()) % 2_500) * 16 + offset) }

    /// Runs `scripts/test-agents.sh KIND DIR PORT EXTRA…` and waits for it to say the agent is ready.
    private static func start(_ kindAndDirectory: [String], port: UInt16, extra: [String] = []) -> Agent {
        let arguments = kindAndDirectory + [String(port)] + extra
        let directory = URL(fileURLWithPath: arguments[1])
        run(
            script: "test-agents.sh", arguments, environment: "AGENT_TTL=1800",
            log: directory.appendingPathComponent("start-\(arguments[0]).log"), ready: "ready")
        return Agent(port: port)
    }

    /// Runs `scripts/SCRIPT ARGUMENTS…` and waits for it to say `ready`. Output goes to a file, not a pipe: the
    /// agents it starts live on after the script exits. The script is run with posix_spawn and waitpid:
    /// Foundation's Process was seen to wait forever here.
    private static func run(script name: String, _ arguments: [String], environment: String, log url: URL, ready: String) {
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let log = url.path
        let kind = arguments[0]
        let script = root.appendingPathComponent("scripts/\(name)").path
        let quoted = arguments.map { "'\($0)'" }.joined(separator: " ")
        let command = "\(environment) exec /bin/bash '\(script)' \(quoted) > '\(log)' 2>&1 < /dev/null"
        let status: Int32
        do { status = try TestProcess.wait(try TestProcess.spawn(command)) } catch { fatalError("cannot run scripts/\(name): \(error)") }
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        precondition(status == 0 && text.contains(ready), "\(kind) did not start: \(text)")
    }
}

/// A lab network for end-to-end tests: the sample city's counties and policies, and switches on the snmpd
/// test agent (one at 127.0.0.1, a dead one at 127.20.2.1, and when asked a second live one at 127.20.0.5), polled every
/// second with `timeout` seconds for an answer (short, so that the dead one costs little).
package enum LabNetwork {
    package static func make(port: UInt16, secondDevice: Bool = false, timeout: Double = 0.3) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("edunet-lab-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("inventory"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: TestAgents.root.appendingPathComponent("policies"), to: directory.appendingPathComponent("policies"))
        try FileManager.default.copyItem(
            at: TestAgents.root.appendingPathComponent("inventory/counties.yaml"),
            to: directory.appendingPathComponent("inventory/counties.yaml"))
        try devices(port: port, second: secondDevice).write(
            to: directory.appendingPathComponent("inventory/lab.yaml"), atomically: true, encoding: .utf8)
        try """
        database: lab.sqlite
        inventory: inventory
        policies: policies
        poll: {interval_seconds: 1, timeout_seconds: \(timeout), retries: 0}
        http: {listen: "127.0.0.1:0"}
        traps: {port: 0}
        """.write(to: directory.appendingPathComponent("edunetd.yaml"), atomically: true, encoding: .utf8)
        return directory
    }

    package static func devices(port: UInt16, second: Bool) -> String {
        """
        snmp_profiles:
          - {id: lab, version: v2c, community: {env: LAB_COMMUNITY}}
        nodes:
          - {id: agg-xingqing, name: 兴庆区汇聚, kind: county-aggregation, county: xingqing}
        devices:
          - {id: lab-sw, name: 实验交换机, role: core-switch, node: agg-xingqing, management: {address: 127.0.0.1, port: \(port)}, snmp_profile: lab}
          - {id: dead-sw, name: 不在线交换机, role: core-switch, node: agg-xingqing, management: {address: 127.20.2.1, port: \(port)}, snmp_profile: lab}

        """
            + (second
                ? "  - {id: lab-sw-2, name: 实验交换机二, role: access-switch, node: agg-xingqing, management: {address: 127.20.0.5, port: \(port)}, snmp_profile: lab}\n"
                : "")
    }
}
