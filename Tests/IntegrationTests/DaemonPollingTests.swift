import Foundation
import Model
import Monitor
import Store
import TestSupport
import Testing

/// `edunetd` polling a real agent on loopback and storing interface rates, stopped with SIGTERM.
@Suite("edunetd polls and stores rates")
struct DaemonPollingTests {
    /// Starts `edunetd --config FILE` on the lab network (its community from LAB_COMMUNITY), output in `log`.
    static func startDaemon(config: String, log: String) throws -> pid_t {
        try EdunetTool.start(["--config", config], in: TestAgents.root, environment: ["LAB_COMMUNITY": "edunet-test"], log: log)
    }

    /// Sends SIGTERM and returns the exit status.
    static func stop(_ pid: pid_t) -> Int32 { EdunetTool.stop(pid) }

    static func text(_ log: String) -> String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

    /// How many intervals of `interface` the daemon has stored for `device` in the lab's database.
    static func stored(_ directory: URL, device: String, interface: String) -> Int {
        let path = directory.appendingPathComponent("lab.sqlite").path
        guard FileManager.default.fileExists(atPath: path), let database = try? StoreDatabase(path: path) else { return 0 }
        return (try? MeasurementStore(database: database).rates(device: device, interface: interface, from: .distantPast, to: .distantFuture).count)
            ?? 0
    }

    @Test func sighupReloadsAndRejectsAnInvalidInventory() async throws {
        let port = await TestAgents.snmpd().port
        let directory = try LabNetwork.make(port: port)
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("edunetd.log").path
        let pid = try Self.startDaemon(config: directory.appendingPathComponent("edunetd.yaml").path, log: log)
        try await waitFor("the first rates of lab-sw", diagnosis: { Self.text(log) }) {
            Self.stored(directory, device: "lab-sw", interface: "lo") > 0
        }
        let labFile = directory.appendingPathComponent("inventory/lab.yaml")
        try "devices:\n  - {id: broken, name: x, role: core-swich}\n".write(
            to: directory.appendingPathComponent("inventory/typo.yaml"), atomically: true, encoding: .utf8)
        kill(pid, SIGHUP)
        try await waitFor("the reload to be rejected", diagnosis: { Self.text(log) }) { Self.text(log).contains("reload rejected") }
        try FileManager.default.removeItem(at: directory.appendingPathComponent("inventory/typo.yaml"))
        try LabNetwork.devices(port: port, second: true).write(to: labFile, atomically: true, encoding: .utf8)
        kill(pid, SIGHUP)
        try await waitFor("the device the reload added to be polled", diagnosis: { Self.text(log) }) {
            Self.text(log).contains("reloaded") && Self.stored(directory, device: "lab-sw-2", interface: "lo") > 0
        }
        let running = try await SNMPCommandTests.run(["status", "--db", directory.appendingPathComponent("lab.sqlite").path, "--format", "json"])
        #expect(running.status == 0 && running.stdout.contains(#""running" : true"#), "\(running.stdout)\(running.stderr)")
        let status = Self.stop(pid)
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(status == 0, "\(text)")
        #expect(text.contains("reload rejected"))
        #expect(text.contains("typo.yaml:2:33: error: `role` has unknown value `core-swich`; did you mean `core-switch`?"))
        #expect(text.contains("reloaded") && text.contains("polled=3"))
        let store = MeasurementStore(database: try StoreDatabase(path: directory.appendingPathComponent("lab.sqlite").path))
        #expect(try !store.latest(device: "lab-sw-2").isEmpty, "the device added by the reload was polled")
        #expect(try !store.latest(device: "lab-sw").isEmpty)
    }

    @Test func pollsEverySecondAndStoresRatesUntilSIGTERM() async throws {
        let port = await TestAgents.snmpd().port
        let directory = try LabNetwork.make(port: port)
        defer { try? FileManager.default.removeItem(at: directory) }
        try
            (LabNetwork.devices(port: port, second: false) + """
                links:
                  - {id: lab-loop, tier: county-school, a: {device: dead-sw, interface: eth9}, b: {device: lab-sw, interface: lo}, capacity: 10M}
                  - {id: lab-dark, tier: county-school, a: {device: dead-sw, interface: eth8}, b: {device: lab-sw, interface: nonexistent0}, capacity: 1G}

                """).write(to: directory.appendingPathComponent("inventory/lab.yaml"), atomically: true, encoding: .utf8)
        let log = directory.appendingPathComponent("edunetd.log").path
        let pid = try Self.startDaemon(config: directory.appendingPathComponent("edunetd.yaml").path, log: log)
        // Polled every second: three intervals of lo stored (the first poll gives counters, not yet a rate).
        try await waitFor("three rates of lab-sw lo", diagnosis: { Self.text(log) }) {
            Self.stored(directory, device: "lab-sw", interface: "lo") >= 3
        }
        let status = Self.stop(pid)
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(status == 0, "exit status; log:\n\(text)")
        #expect(text.contains("polled=2") && text.contains("device down") && text.contains("dead-sw") && text.contains("stopped"))

        let database = try StoreDatabase(path: directory.appendingPathComponent("lab.sqlite").path)
        let report = try #require(try DaemonStatusStore(database: database).read())
        #expect(report.stoppedAt != nil && report.devicesPolled == 2 && report.devicesDown == ["dead-sw"] && report.polls >= 3)
        let statusCommand = try await SNMPCommandTests.run(["status", "--db", directory.appendingPathComponent("lab.sqlite").path])
        #expect(statusCommand.status == 1 && statusCommand.stdout.contains("stopped at") && statusCommand.stdout.contains("2 polled, 1 down"))
        let store = MeasurementStore(database: database)
        let latest = try store.latest(device: "lab-sw")
        let loopback = try #require(latest.first { $0.interface == "lo" })
        #expect(loopback.unknownReason == nil && loopback.inBitsPerSecond != nil)
        let history = try store.rates(device: "lab-sw", interface: "lo", from: .distantPast, to: .distantFuture)
        // One measurement a poll after the first (the test's load decides how many polls the daemon made before SIGTERM).
        #expect(history.count >= 2 && history.count <= report.polls, "one measurement per poll after the first: \(history.count) of \(report.polls)")
        #expect(try store.latest(device: "dead-sw").isEmpty, "a device that never answered has no measurements, not zeros")

        // The links report reads the stored rates against the applied inventory.
        let db = directory.appendingPathComponent("lab.sqlite").path
        let apply = try await SNMPCommandTests.run([
            "inventory", "apply", "--inventory", directory.appendingPathComponent("inventory").path,
            "--policies", directory.appendingPathComponent("policies").path, "--db", db,
        ])
        #expect(apply.status == 0, "\(apply.stderr)")
        // Over the seconds the daemon polled: coverage is of the window, and this one ran for about four seconds.
        let iso = ISO8601DateFormatter()
        let span = (
            iso.string(from: Date(timeIntervalSince1970: history[0].time.timeIntervalSince1970.rounded(.down))),
            iso.string(from: Date(timeIntervalSince1970: history[history.count - 1].time.timeIntervalSince1970.rounded(.up) + 1))
        )
        let links = try await SNMPCommandTests.run(["links", "list", "--db", db, "--from", span.0, "--to", span.1, "--format", "json"])
        #expect(links.status == 0, "\(links.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(links.stdout.utf8)) as? [String: Any])
        let rows = try #require(document["links"] as? [[String: Any]])
        let loop = try #require(rows.first { ($0["link"] as? [String: Any])?["id"] as? String == "lab-loop" })
        #expect(loop["status"] as? String == "ok")
        #expect((loop["coverage"] as? Double ?? 0) >= 0.5, "at least two one-second polls in a window of at most their span and two seconds")
        #expect((loop["p95"] as? Double ?? 0) > 0, "the loopback carried our own polls")
        let dark = try #require(rows.first { ($0["link"] as? [String: Any])?["id"] as? String == "lab-dark" })
        // lab-sw answered and has no nonexistent0: the plan and the network disagree, which is a finding, not "no data".
        #expect(dark["status"] as? String == "interface missing")
        #expect(dark["problem"] as? String == "lab-sw has no interface nonexistent0")
    }
}
