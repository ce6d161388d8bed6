import Foundation
import TestSupport
import Testing

/// `edunet pool` as district IT runs it on the sample city: the sites side by side, an allocation that fits, one
/// refused with its figures, the same forced, a size without its unit, a misspelt tenant, release and history, and
/// the pool report with its cloud section.
@Suite("edunet pool, end to end")
struct PoolCommandTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("edunet-pool-\(UUID().uuidString)")
    var database: String { directory.appendingPathComponent("edunet.sqlite").path }

    func run(_ arguments: [String]) async throws -> EdunetTool.Outcome { try await CLITests.run(arguments + ["--db", database]) }

    @Test func allocateRefuseForceReleaseAndReport() async throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try await run(["inventory", "apply"]).status == 0)

        let status = try await run(["pool", "status"])
        #expect(status.status == 0)
        #expect(status.stdout.contains("教育云A中心（金凤） cloud-a  vcpu") && status.stdout.contains("1152 vCPU"), "\(status.stdout)")

        let fits = try await run([
            "pool", "allocate", "--tenant", "xingqing-primary-01", "--vcpus", "16", "--memory", "64GiB", "--storage", "2TiB", "--by", "王工", "--why",
            "录播系统",
        ])
        #expect(
            fits.status == 0 && fits.stdout.contains("allocation 1: 16 vCPU, 64GiB memory, 2TiB storage for xingqing-primary-01 in cloud-b"),
            "\(fits.stdout)")

        let dry = try await run(["pool", "allocate", "--tenant", "city-platform", "--memory", "1500GiB", "--site", "cloud-a", "--dry-run"])
        #expect(dry.status == 1 && dry.stdout.contains("would be refused: the pool would not survive the loss of cloud-a"), "\(dry.stdout)")
        let refused = try await run(["pool", "allocate", "--tenant", "city-platform", "--memory", "1500GiB", "--site", "cloud-a"])
        #expect(
            refused.status == 1 && refused.stderr.contains("allocation refused") && refused.stderr.contains("without cloud-a: memory reserved"),
            "\(refused.stderr)")
        let forced = try await run([
            "pool", "allocate", "--tenant", "city-platform", "--memory", "1500GiB", "--site", "cloud-a", "--force", "--why", "考试周",
        ])
        #expect(forced.status == 0 && forced.stdout.contains("FORCED past"), "\(forced.stdout)")

        let unitless = try await run(["pool", "allocate", "--tenant", "city-platform", "--memory", "64"])
        #expect(unitless.status == 64 && unitless.stderr.contains("`64` has no unit: write it with one, such as 64GiB"), "\(unitless.stderr)")
        let misspelt = try await run(["pool", "allocate", "--tenant", "city-platfrom", "--vcpus", "1"])
        #expect(misspelt.status == 1 && misspelt.stderr.contains("no tenant `city-platfrom`; did you mean `city-platform`?"), "\(misspelt.stderr)")

        let allocations = try await run(["pool", "allocations", "--format", "csv"]).stdout.split(whereSeparator: \.isNewline)
        #expect(allocations.count == 3, "two held: \(allocations)")
        #expect(try await run(["pool", "release", "1", "--why", "项目结束"]).status == 0)
        #expect(try await run(["pool", "release", "1"]).status == 1)
        let history = try await run(["pool", "history", "--format", "json"]).stdout
        #expect(history.contains("\"action\" : \"release\"") && history.contains("\"forced\" : true") && history.contains("王工"), "\(history)")

        // The forced allocation breaks site-loss survival: the pool report fails, names it and shows the sites.
        let report = try await run(["report", "pool", "--lang", "en"])
        #expect(report.status == 1)
        #expect(report.stdout.contains("Education cloud compliance") && report.stdout.contains("Site-loss survival"), "\(report.stdout)")
        #expect(report.stdout.contains("forced past admission control: #2 city-platform/city-platform"), "\(report.stdout)")
        #expect(report.stdout.contains("Education cloud\n") && !report.stdout.contains("Delivered capacity"))
        let html = try await run(["report", "bandwidth", "--format", "html"]).stdout
        #expect(html.contains("<section id=\"cloud\">") && html.contains("cloud-a-memory"))
    }
}
