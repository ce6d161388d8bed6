import Daemon
import Foundation
import Model
import Monitor
import Store
import TestSupport
import Testing

/// `edunet links list`, `edunet report bandwidth` and the `link_congested` alert source read the same link over the
/// same window from the same SQLite file: they must give the same p95, coverage and verdict.
@Suite("One utilisation for one link")
struct LinkUtilisationAgreementTests {
    /// 15 minutes ending at the fixture's `end`: the alert's span (end − 15 min, end] and the CLI's [from, to) hold
    /// the same fifteen one-minute intervals, over windows of the same length.
    static let from = ComplianceFixture.end.addingTimeInterval(-899), to = ComplianceFixture.end.addingTimeInterval(1)

    private func json(_ outcome: EdunetTool.Outcome, key: String) throws -> Any {
        let document = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any], "\(outcome.stderr)")
        return try #require(document[key])
    }

    @Test func theCLITheReportAndTheAlertAgree() async throws {
        let city = try ComplianceFixture()
        defer { city.remove() }
        // s1-up (planned 2.5G): its two ends disagree. The school's end negotiated 1G and carries 900M towards the
        // school; the county end negotiated 10G and counts something else. The school's end is read, against 1G.
        try city.interfaces("s1-core", ["U1": (1_000_000_000, true)])
        try city.interfaces("agg-yn-sw", ["D1": (10_000_000_000, true), "U1": (10_000_000_000, true), "U2": (10_000_000_000, true)])
        try city.rates("s1-core", "U1", inbound: Array(repeating: 900e6, count: 15), outbound: 50e6)
        try city.rates("agg-yn-sw", "D1", inbound: Array(repeating: 20e6, count: 15), outbound: 300e6)
        // yn-a (planned 10G): 9 Gbit/s towards the county node (its end's "in"), with three unknown intervals.
        try city.rates("agg-yn-sw", "U1", inbound: [9e9, 9e9, nil, 9e9, 9e9, 9e9, nil, 9e9, 9e9, 9e9, 9e9, nil, 9e9, 9e9, 9e9])
        let db = city.directory.appendingPathComponent("city.sqlite").path
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let apply = try await EdunetTool.execute(
            [
                "inventory", "apply", "--inventory", city.directory.appendingPathComponent("inventory").path,
                "--policies", root.appendingPathComponent("policies").path, "--db", db,
            ], in: root,
            environment: ["EDUNET_SNMP_COMMUNITY": "x"])
        #expect(apply.status == 0, "\(apply.stderr)")

        let window = ["--from", ISO8601DateFormatter().string(from: Self.from), "--to", ISO8601DateFormatter().string(from: Self.to), "--db", db]
        let links = try #require(
            try json(try await EdunetTool.execute(["links", "list", "--format", "json"] + window, in: root), key: "links") as? [[String: Any]])
        let report = try #require(
            try json(try await EdunetTool.execute(["report", "bandwidth", "--format", "json"] + window, in: root), key: "report") as? [String: Any])
        let findings = try #require(report["findings"] as? [[String: Any]])
        func row(_ id: String) throws -> [String: Any] { try #require(links.first { ($0["link"] as? [String: Any])?["id"] as? String == id }) }
        func finding(_ id: String) throws -> [String: Any] { try #require(findings.first { $0["id"] as? String == id }) }
        var rules = AlertingPolicy.Rules()
        rules.congestionMinutes = 15
        let topology = AlertTopology(inventory: city.configuration.inventory)
        let alerts = try AlertSources.congested(
            store: city.store, interfaces: try city.store.allInterfaces(), at: ComplianceFixture.end,
            topology: topology, threshold: 0.8, rules: rules)
        let span = AlertSources.congestionSpan(at: ComplianceFixture.end, rules: rules)
        func alertView(_ link: String) throws -> LinkUtilisation {
            let planned = try #require(city.configuration.inventory.links.first { $0.id == link })
            return try LinkUtilisation.measure(
                planned, from: span.from, to: span.to, store: city.store, interfaces: try city.store.allInterfaces(),
                criteria: .init(congestionThreshold: 0.8))
        }

        // The ends disagree: every reader took the school's end and its negotiated 1G.
        let school = try row("s1-up")
        let down = try finding("delivered-capacity:s1-up:downstream")
        let capacity = try #require(school["capacity"] as? [String: Any])
        #expect(capacity["bits_per_second"] as? Double == 1e9 && capacity["source"] as? String == "negotiated")
        #expect(capacity["basis"] as? String == "negotiated speed of s1-core U1")
        #expect((school["measured_end"] as? [String: Any])?["device"] as? String == "s1-core")
        #expect(school["p95_utilisation"] as? Double == 0.9 && down["measured_value"] as? Double == 0.9 && down["capacity_value"] as? Double == 1e9)
        #expect(school["coverage"] as? Double == 1 && (down["evidence"] as? [String: Any])?["coverage"] as? Double == 1)
        #expect(school["status"] as? String == "congested" && down["verdict"] as? String == "fail")
        #expect(school["congested_throughout"] as? Bool == true)
        let signal = try #require(alerts.first { $0.subject == "s1-up" })
        #expect(signal.summary.zh.hasSuffix("（p95 90.0 %，覆盖 100.0 %）"), "\(signal.summary.zh)")
        let schoolAlert = try alertView("s1-up")
        #expect(schoolAlert.p95Utilisation == 0.9 && schoolAlert.coverage == 1 && schoolAlert.status == .congested)

        // Unknown intervals: 12 of 15 measured, p95 over the threshold; the report fails it, the alert does not fire
        // (an unknown minute is not a congested one), and both say the same p95 and coverage.
        let county = try row("yn-a")
        let downstream = try finding("delivered-capacity:yn-a:downstream")
        let coverage = try #require(county["coverage"] as? Double)
        #expect(abs(coverage - 0.8) < 1e-9 && (downstream["evidence"] as? [String: Any])?["coverage"] as? Double == coverage)
        #expect(county["p95_utilisation"] as? Double == 0.9 && downstream["measured_value"] as? Double == 0.9)
        #expect(county["busier_direction"] as? String == "downstream")
        #expect(county["status"] as? String == "congested" && downstream["verdict"] as? String == "fail")
        #expect(county["congested_throughout"] as? Bool == false && !alerts.contains { $0.subject == "yn-a" })
        let countyAlert = try alertView("yn-a")
        #expect(countyAlert.p95Utilisation == 0.9 && countyAlert.coverage == coverage && !countyAlert.isCongestedThroughout)
    }
}
