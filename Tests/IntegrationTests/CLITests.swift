import Foundation
import TestSupport
import Testing

/// Runs the built `edunet` and `edunetd` executables as a user would, and checks what they print and return.
@Suite("edunet and edunetd, end to end")
struct CLITests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let database = FileManager.default.temporaryDirectory.appendingPathComponent("edunet-cli-\(UUID().uuidString).sqlite").path

    /// Runs `tool` from the repository's root.
    @discardableResult
    static func run(_ arguments: [String], tool: String = "edunet", environment: [String: String] = [:]) async throws -> EdunetTool.Outcome {
        try await EdunetTool.execute(arguments, tool: tool, in: root, environment: environment)
    }

    private func cleanUp() {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix) }
    }

    @Test func validateSampleCityExitsZero() async throws {
        let outcome = try await Self.run(["inventory", "validate"])
        #expect(outcome.status == 0)
        #expect(outcome.stdout.hasPrefix("ok: 6 counties, 68 schools"))
        #expect(outcome.stdout.contains("2 cloud sites, 6 cloud hosts, 2 storage pools, 4 cloud services, 2 platforms — valid"))
        #expect(outcome.stderr.isEmpty)
    }

    @Test func validateReportsProblemsOnStderrAndExitsOne() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("edunet-cli-inv-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(at: Self.root.appendingPathComponent("inventory"), to: dir)
        let file = dir.appendingPathComponent("counties.yaml")
        let text = try String(contentsOf: file, encoding: .utf8).replacingOccurrences(
            of: "name_en: \"Lingwu City\"", with: "name_en: \"Lingwu City\", code: 640181")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let outcome = try await Self.run(["inventory", "validate", "--inventory", dir.path])
        #expect(outcome.status == 1)
        #expect(outcome.stdout.isEmpty)
        #expect(outcome.stderr.contains("\(dir.path)/counties.yaml:9:53: error: unknown key `code` in a county"))
        #expect(outcome.stderr.contains("invalid inventory: 1 problem"))
    }

    @Test func applyThenListInEveryFormat() async throws {
        defer { cleanUp() }
        let apply = try await Self.run(["inventory", "apply", "--db", database])
        #expect(apply.status == 0)
        #expect(apply.stdout.hasPrefix("revision 1 applied"))
        #expect(apply.stdout.contains("68 school"))

        let again = try await Self.run(["inventory", "apply"], environment: ["EDUNET_DB": database])
        #expect(again.status == 0 && again.stdout.hasPrefix("no changes"))
        let diff = try await Self.run(["inventory", "diff", "--db", database])
        #expect(diff.status == 0 && diff.stdout == "no differences\n")

        let table = try await Self.run(["schools", "list", "--county", "yongning", "--kind", "kindergarten", "--db", database])
        #expect(table.status == 0)
        let lines = table.stdout.split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines[2].hasPrefix("yongning-kindergarten-09  永宁县第一幼儿园"))

        let json = try await Self.run(["schools", "list", "--format", "json", "--db", database])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(document["schema"] as? String == "edunet.schools/v1")
        #expect((document["schools"] as? [Any])?.count == 68)

        let csv = try await Self.run(["devices", "list", "--role", "wireless-controller", "--format", "csv", "--db", database])
        #expect(csv.stdout.hasPrefix("\u{FEFF}id,name,role,model,site,management,snmp_profile\r\n"))
        #expect(csv.stdout.components(separatedBy: "\r\n").count == 8 + 2)

        let counties = try await Self.run(["counties", "--db", database])
        #expect(counties.stdout.contains("全市 City"))

        let show = try await Self.run(["devices", "show", "agg-yongning-sw", "--db", database])
        #expect(show.stdout.contains("city-county-yongning-b"))
        #expect(show.stdout.contains("1G"))
        let history = try await Self.run(["inventory", "history", "--db", database])
        #expect(history.stdout.split(separator: "\n").count == 3)
    }

    @Test func exitStatusesScriptsCanTrust() async throws {
        defer { cleanUp() }
        let before = try await Self.run(["schools", "list", "--db", database])
        #expect(before.status == 1 && before.stderr.contains("run `edunet inventory apply` first"))
        try await Self.run(["inventory", "apply", "--db", database])
        let unknown = try await Self.run(["schools", "show", "no-such-school", "--db", database])
        #expect(unknown.status == 1 && unknown.stderr.hasPrefix("error: no school with id `no-such-school`"))
        let badCounty = try await Self.run(["schools", "list", "--county", "guyuan", "--db", database])
        #expect(badCounty.status == 1 && badCounty.stderr.contains("no county with id `guyuan`"))
        let usage = try await Self.run(["schools", "list", "--kind", "university", "--db", database])
        #expect(usage.status == 64)
        let unwritable = try await Self.run(["inventory", "apply", "--db", "/nonexistent/dir/x.sqlite"])
        #expect(unwritable.status == 3 && unwritable.stderr.contains("cannot open database /nonexistent/dir/x.sqlite"))
    }

    @Test func daemonStopsCleanlyOnSIGTERM() async throws {
        defer { cleanUp() }
        let log = database + ".log"
        defer { try? FileManager.default.removeItem(atPath: log) }
        let pid = try EdunetTool.start(["--log-level", "info"], in: Self.root, environment: ["EDUNET_DB": database], log: log)
        // Wait until it says it is ready, then ask it to stop as systemd would.
        func text() -> String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
        try await waitFor("edunetd to say it is ready", diagnosis: text) { text().contains("ready") }
        #expect(EdunetTool.stop(pid) == 0)
        #expect(text().contains("stopped"))
    }

    @Test func daemonRefusesAnInvalidInventory() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("edunetd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("edunetd.yaml")
        try "inventory: /nonexistent\npoll: {interval_seconds: 60, retires: 2}\n".write(to: config, atomically: true, encoding: .utf8)
        let typo = try await Self.run(["--config", config.path], tool: "edunetd")
        #expect(typo.status == 1)
        #expect(typo.stderr.contains("\(config.path):2:30: error: unknown key `retires` in `poll`; did you mean `retries`?"))
        try "inventory: /nonexistent\ndatabase: db.sqlite\n".write(to: config, atomically: true, encoding: .utf8)
        let outcome = try await Self.run(["--config", config.path], tool: "edunetd")
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("no inventory found: `/nonexistent`"))
    }
}
