import Foundation
import Model
import Monitor
import Store
import Testing

/// `edunetd` polling a real agent on loopback and storing interface rates, stopped with SIGTERM.
@Suite("edunetd polls and stores rates")
struct DaemonPollingTests {
    @Test func pollsEverySecondAndStoresRatesUntilSIGTERM() async throws {
        let port = await TestAgents.snmpd().port
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("edunetd-poll-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("inventory"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: TestAgents.root.appendingPathComponent("policies"), to: directory.appendingPathComponent("policies"))
        try FileManager.default.copyItem(at: TestAgents.root.appendingPathComponent("inventory/counties.yaml"),
                                         to: directory.appendingPathComponent("inventory/counties.yaml"))
        try """
            snmp_profiles:
              - {id: lab, version: v2c, community: {env: LAB_COMMUNITY}}
            nodes:
              - {id: agg-xingqing, name: 兴庆区汇聚, kind: county-aggregation, county: xingqing}
            devices:
              - {id: lab-sw, name: 实验交换机, role: core-switch, node: agg-xingqing, management: {address: 127.0.0.1, port: \(port)}, snmp_profile: lab}
              - {id: dead-sw, name: 不在线交换机, role: core-switch, node: agg-xingqing, management: {address: 127.20.2.1, port: \(port)}, snmp_profile: lab}
            links:
              - {id: lab-loop, tier: county-school, a: {device: dead-sw, interface: eth9}, b: {device: lab-sw, interface: lo}, capacity: 10M}
              - {id: lab-dark, tier: county-school, a: {device: dead-sw, interface: eth8}, b: {device: lab-sw, interface: nonexistent0}, capacity: 1G}
            """.write(to: directory.appendingPathComponent("inventory/lab.yaml"), atomically: true, encoding: .utf8)
        try """
            database: lab.sqlite
            inventory: inventory
            policies: policies
            poll: {interval_seconds: 1, timeout_seconds: 0.3, retries: 0}
            """.write(to: directory.appendingPathComponent("edunetd.yaml"), atomically: true, encoding: .utf8)
        let log = directory.appendingPathComponent("edunetd.log").path
        let edunetd = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("edunetd").path
        let command = "LAB_COMMUNITY=edunet-test exec '\(edunetd)' --config '\(directory.path)/edunetd.yaml' > '\(log)' 2>&1 < /dev/null"
        var pid: pid_t = 0
        let shell: [String] = ["/bin/sh", "-c", command]
        var argv: [UnsafeMutablePointer<CChar>?] = shell.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        #expect(posix_spawn(&pid, "/bin/sh", nil, nil, &argv, environ) == 0)
        try await Task.sleep(for: .milliseconds(4500))
        kill(pid, SIGTERM)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect((status >> 8) & 0xFF == 0, "exit status; log:\n\(text)")
        #expect(text.contains("polled=2") && text.contains("device down") && text.contains("dead-sw") && text.contains("stopped"))

        let store = MeasurementStore(database: try StoreDatabase(path: directory.appendingPathComponent("lab.sqlite").path))
        let latest = try store.latest(device: "lab-sw")
        let loopback = try #require(latest.first { $0.interface == "lo" })
        #expect(loopback.unknownReason == nil && loopback.inBitsPerSecond != nil)
        let history = try store.rates(device: "lab-sw", interface: "lo", from: .distantPast, to: .distantFuture)
        #expect((2...5).contains(history.count), "one measurement per second after the first poll: \(history.count)")
        #expect(try store.latest(device: "dead-sw").isEmpty, "a device that never answered has no measurements, not zeros")

        // The links report reads the stored rates against the applied inventory.
        let db = directory.appendingPathComponent("lab.sqlite").path
        let apply = try SNMPCommandTests.run(["inventory", "apply", "--inventory", directory.appendingPathComponent("inventory").path,
                                              "--policies", directory.appendingPathComponent("policies").path, "--db", db])
        #expect(apply.status == 0, "\(apply.stderr)")
        let links = try SNMPCommandTests.run(["links", "list", "--db", db, "--window", "1h", "--format", "json"])
        #expect(links.status == 0, "\(links.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(links.stdout.utf8)) as? [String: Any])
        let rows = try #require(document["links"] as? [[String: Any]])
        let loop = try #require(rows.first { ($0["link"] as? [String: Any])?["id"] as? String == "lab-loop" })
        #expect(loop["status"] as? String == "ok")
        #expect(loop["coverage"] as? Double == 1)
        #expect((loop["p95"] as? Double ?? 0) > 0, "the loopback carried our own polls")
        let dark = try #require(rows.first { ($0["link"] as? [String: Any])?["id"] as? String == "lab-dark" })
        #expect(dark["status"] as? String == "no data")
    }
}
