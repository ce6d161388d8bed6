import Foundation
import TestSupport
import Testing

/// The agents a test run starts are gone when it stops them, even one busy answering a walk (snmpsim was seen to
/// outlive SIGTERM), so that a finished `scripts/test.sh` leaves nothing running.
@Suite("Test agents stop")
struct AgentCleanupTests {
    /// Processes (not shells) whose command line names `directory`.
    static func processes(naming directory: String) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { $0.allSatisfy(\.isNumber) }.compactMap { pid -> String? in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"), !data.isEmpty else { return nil }
            let words = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            guard words.contains(where: { $0.contains(directory) }), let first = words.first,
                !["bash", "sh", "/bin/sh", "/bin/bash"].contains(first)
            else { return nil }
            return "\(pid) \(words.joined(separator: " "))"
        }
    }

    @Test func stopLeavesNoAgentOfTheFolderRunning() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("edunet-cleanup-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("extra"), withIntermediateDirectories: true)
        // A table large enough that a bulk walk keeps snmpsim busy while it is told to stop.
        let rows = (1...20_000).map { "1.3.6.1.2.1.31.1.1.1.1.\($0)|4|port\($0)" }
        try (["1.3.6.1.2.1.1.1.0|4|cleanup"] + rows).joined(separator: "\n").appending("\n")
            .write(to: directory.appendingPathComponent("extra/cleanup.snmprec"), atomically: true, encoding: .utf8)
        let script = TestAgents.root.appendingPathComponent("scripts/test-agents.sh").path
        let snmpsimPort = TestAgents.freePort(offset: 8)
        let snmpdPort = TestAgents.freePort(offset: 9)
        let log = directory.appendingPathComponent("start.log").path
        for start in ["snmpsim '\(directory.path)' \(snmpsimPort) none", "snmpd '\(directory.path)' \(snmpdPort)"] {
            let status = try await TestProcess.finish(try TestProcess.spawn("AGENT_TTL=600 bash '\(script)' \(start) >> '\(log)' 2>&1 < /dev/null"))
            #expect(status == 0, "\((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        }
        #expect(Self.processes(naming: directory.path).count >= 2, "both agents run")
        let walk = try TestProcess.spawn(
            "for i in 1 2 3 4 5 6 7 8 9 10; do snmpbulkwalk -v2c -c cleanup -t 5 -r 0 127.0.0.1:\(snmpsimPort) "
                + "1.3.6.1.2.1.31 > /dev/null 2>&1; done")
        defer {
            kill(walk, SIGKILL)
            _ = try? TestProcess.wait(walk)
        }
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await TestProcess.finish(try TestProcess.spawn("bash '\(script)' stop '\(directory.path)' > /dev/null 2>&1")) == 0)
        #expect(Self.processes(naming: directory.path).isEmpty, "\(Self.processes(naming: directory.path))")
    }
}
