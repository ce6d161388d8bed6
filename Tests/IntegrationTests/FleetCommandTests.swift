import Foundation
import TestSupport
import Testing

/// `edunet fleet` as district IT runs it, on the sample city: a GB18030 roster from Excel, a bad terminals file
/// (every problem at once, nothing stored, exit 1), a dry run, the import, a grade's assign planned then applied,
/// its undo, and the listings with holders masked.
@Suite("edunet fleet, end to end")
struct FleetCommandTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("edunet-fleet-\(UUID().uuidString)")
    var database: String { directory.appendingPathComponent("edunet.sqlite").path }

    func run(_ arguments: [String]) async throws -> EdunetTool.Outcome { try await CLITests.run(arguments + ["--db", database]) }

    func write(_ name: String, _ text: String, gb18030: Bool = false) throws -> String {
        let path = directory.appendingPathComponent(name).path
        try text.write(toFile: gb18030 ? path + ".utf8" : path, atomically: true, encoding: .utf8)
        if gb18030 {
            // As Excel on a Chinese Windows saves it: through iconv, which Foundation on Linux lacks.
            #expect(try TestProcess.wait(try TestProcess.spawn("iconv -f UTF-8 -t GB18030 '\(path).utf8' > '\(path)'")) == 0)
        }
        return path
    }

    @Test func importAssignUndoWithHoldersMasked() async throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try await run(["inventory", "apply"]).status == 0)

        let roster = try write(
            "roster.csv",
            "学校,学籍号,班级,角色\n兴庆区第一小学,G640104201501010014,七年级1班,学生\n兴庆区第一小学,G640104201501010022,七年级2班,学生\n"
                + "兴庆区第一小学,G640104201501010030,七年级2班,学生\n", gb18030: true)
        let imported = try await run(["fleet", "import", "roster", roster])
        #expect(imported.status == 0 && imported.stderr.contains("3 rows read as GB18030"), "\(imported.stderr)")
        #expect(imported.stdout.contains("roster: 3 to add or change, 0 unchanged"), "\(imported.stdout)")

        let bad = try write("bad.csv", "序列号,MAC地址,学校\nEB1,3c:2e:f9:00:00:01,兴庆区第一小校\nEB1,zz,xingqing-primary-01\n")
        let refused = try await run(["fleet", "import", "terminals", bad])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("\(bad):2:3: error: unknown school \"兴庆区第一小校\""), "\(refused.stderr)")
        #expect(
            refused.stderr.contains("\(bad):3:1: error: serial EB1 is also on row 2")
                && refused.stderr.contains("\(bad):3:2: error: \"zz\" is not a MAC address"))
        #expect(
            try await run(["fleet", "list", "--format", "csv"]).stdout.split(whereSeparator: \.isNewline).count == 1,
            "nothing stored: the header only")

        let good = try write(
            "terminals.csv", "序列号,MAC地址,学校\nEB1,3C-2E-F9-00-00-01,兴庆区第一小学\nEB2,3c2e.f900.0002,兴庆区第一小学\nEB3,3c:2e:f9:00:00:03,兴庆区第一小学\n")
        let dry = try await run(["fleet", "import", "terminals", good, "--dry-run"])
        #expect(dry.status == 0 && dry.stdout.contains("3 to add, 0 to change, 0 to remove, 0 unchanged; nothing changed yet"), "\(dry.stdout)")
        #expect(try await run(["fleet", "import", "terminals", good]).status == 0)
        #expect(
            try await run(["fleet", "import", "terminals", good]).stdout.contains("0 to add, 0 to change, 0 to remove, 3 unchanged; nothing to do"))

        let plan = try await run(["fleet", "assign", "--school", "xingqing-primary-01", "--grade", "七年级"])
        #expect(plan.status == 0 && plan.stdout.contains("0 to add, 3 to change"), "\(plan.stdout)")
        #expect(!plan.stdout.contains("G640104201501010"), "holders masked in the plan: \(plan.stdout)")
        #expect(
            try await run(["fleet", "list", "--state", "assigned", "--format", "csv"]).stdout.split(whereSeparator: \.isNewline).count == 1,
            "a plan changes nothing")
        let applied = try await run(["fleet", "assign", "--school", "xingqing-primary-01", "--grade", "七年级", "--apply", "--by", "王工"])
        let operation = try #require(applied.stdout.split(separator: "\n").first { $0.hasPrefix("operation ") }?.split(separator: " ")[1])
        let listed = try await run(["fleet", "list", "--state", "assigned", "--format", "csv"])
        #expect(
            listed.stdout.split(whereSeparator: \.isNewline).count == 4 && listed.stdout.contains("G640************")
                && !listed.stdout.contains("G640104201501010"))
        #expect(try await run(["fleet", "list", "--state", "assigned", "--format", "csv", "--reveal"]).stdout.contains("G640104201501010"))

        let undo = try await run(["fleet", "undo", String(operation), "--by", "王工", "--why", "wrong grade"])
        #expect(undo.status == 0, "\(undo.stderr)")
        #expect(try await run(["fleet", "list", "--state", "in-stock", "--format", "csv"]).stdout.split(whereSeparator: \.isNewline).count == 4)
        let history = try await run(["fleet", "history", "EB1"])
        #expect(history.stdout.contains("王工") && history.stdout.contains("wrong grade"), "\(history.stdout)")
        let twice = try await run(["fleet", "undo", String(operation)])
        #expect(twice.status == 1 && twice.stderr.contains("undone"), "\(twice.stderr)")
    }

}
