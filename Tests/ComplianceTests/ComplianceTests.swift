import Compliance
import Foundation
import Model
import Reports
import Store
import TestSupport
import Testing

@Suite("Compliance rules on exact measurements")
struct ComplianceRuleTests {
    @Test func provisionedCapacityPassFailUnknownAndAMissingInterface() throws {
        let city = try ComplianceFixture()
        defer { city.remove() }
        try city.interfaces("agg-yn-sw", ["U1": (10_000_000_000, true), "U2": (10_000_000_000, true)])
        try city.interfaces("s1-core", ["U1": (1_000_000_000, true)])
        try city.interfaces("v1-core", ["U9": (10_000_000_000, true)])
        let f = try city.findings()
        #expect(f["provisioned-capacity:yn-a"]?.verdict == .pass && f["provisioned-capacity:yn-a"]?.measured == "10G")
        let slow = try #require(f["provisioned-capacity:s1-up"])
        #expect(slow.verdict == .fail && slow.measured == "1G" && slow.target == "≥ 2.5G" && slow.measuredValue == 1e9)
        #expect(slow.evidence.source == "ifHighSpeed of s1-core U1")
        let missing = try #require(f["provisioned-capacity:v1-up"])
        #expect(missing.verdict == .fail && missing.reason == "the planned interface U1 is not on v1-core: the plan and the network disagree")
        let unpolled = try #require(f["provisioned-capacity:hl-a"])
        #expect(unpolled.verdict == .unknown && unpolled.reason == "neither agg-hl-sw nor core-a has been polled")
    }

    @Test func deliveredCapacityP95ByHandAndCoverage() throws {
        let city = try ComplianceFixture()
        defer { city.remove() }
        try city.interfaces("s1-core", ["U1": (2_500_000_000, true)])
        // 20 one-minute samples: 100, 200, …, 2000 Mbit/s in. Nearest-rank p95 = the 19th = 1,900 Mbit/s = 76 % of 2.5G.
        try city.rates("s1-core", "U1", inbound: (1...20).map { Double($0) * 100e6 })
        var f = try city.findings(window: 1200)
        let down = try #require(f["delivered-capacity:s1-up:downstream"])
        #expect(down.verdict == .pass && down.measuredValue == 0.76 && down.evidence.samples == 20 && down.evidence.coverage == 1)
        #expect(down.measured == "p95 1.90 Gbit/s = 76.0 %, peak 2.00 Gbit/s")
        // Over an hour the same 20 samples cover a third of the window: unknown, not a pass.
        f = try city.findings(window: 3600)
        let thin = try #require(f["delivered-capacity:s1-up:downstream"])
        #expect(thin.verdict == .unknown && thin.reason == "samples cover only 33.3 % of the window")

        // 20 samples at 2,100 Mbit/s with two unknown intervals: p95 of the 18 measured = 84 % > 80 %: congested.
        let congested = try ComplianceFixture()
        defer { congested.remove() }
        try congested.interfaces("s1-core", ["U1": (2_500_000_000, true)])
        try congested.rates("s1-core", "U1", inbound: Array(repeating: 2100e6, count: 18) + [nil, nil])
        let busy = try #require(try congested.findings()["delivered-capacity:s1-up:downstream"])
        #expect(busy.verdict == .fail && busy.measuredValue == 0.84 && busy.evidence.samples == 18 && busy.evidence.coverage == 0.9)
        #expect(busy.reason == "congested downstream: p95 84.0 % of 2.50 Gbit/s")
        // Upstream of the same link: 1 Mbit/s, a pass.
        #expect(try congested.findings()["delivered-capacity:s1-up:upstream"]?.verdict == .pass)
        // No samples at all: unknown.
        #expect(try congested.findings()["delivered-capacity:yn-a:downstream"]?.reason == "no measured downstream samples in the window")
    }

    @Test func aWindowPastTheRatesRetentionIsJudgedOnTheRollups() throws {
        let city = try ComplianceFixture()
        defer { city.remove() }
        try city.interfaces("s1-core", ["U1": (2_500_000_000, true)])
        // Two days of one rate a minute: 1,000 Mbit/s, but 2,400 Mbit/s in every fifth minute. Rolled up, then the
        // rates older than 20 minutes pruned, as the daemon's retention does.
        try city.rates("s1-core", "U1", inbound: (0..<2880).map { $0 % 5 == 4 ? 2400e6 : 1000e6 })
        try city.store.rollUp(through: ComplianceFixture.end)
        try city.store.prune(olderThan: ComplianceFixture.end.addingTimeInterval(-1200))
        let f = try city.findings(window: 2 * 86_400)
        let down = try #require(f["delivered-capacity:s1-up:downstream"])
        // Five-minute means are 1,280 Mbit/s (four minutes at 1,000, one at 2,400): 51.2 % of 2.5G. The means hide
        // the 96 % minutes, which the rates would have shown: the evidence says which was used.
        #expect(
            down.verdict == .pass && abs((down.measuredValue ?? 0) - 0.512) < 1e-9
                && down.evidence.source == "downstream five-minute means at s1-core U1")
        #expect((down.evidence.coverage ?? 0) > 0.99)
    }

    @Test func liveClassHeadroomAddsThePlannedStreamsToTheUplinkP95() throws {
        let city = try ComplianceFixture()
        defer { city.remove() }
        // s1 (primary: 2 streams of 8M) on a 100M uplink with a p95 of 70M: 70 % + 16 % = 86 % > 80 %.
        try city.interfaces("s1-core", ["U1": (100_000_000, true)])
        try city.rates("s1-core", "U1", inbound: Array(repeating: 70e6, count: 20))
        let f = try city.findings()
        #expect(f["delivered-capacity:s1-up:downstream"]?.verdict == .pass, "70 % alone is under the threshold")
        let live = try #require(f["live-class-headroom:s1"])
        #expect(live.verdict == .fail && live.target == "p95 + 2 × 8M ≤ 80.0 %" && live.measured == "86.0 % on s1-up with 2 streams")
        #expect(abs((live.measuredValue ?? 0) - 0.86) < 1e-12)
        // At 50 Mbit/s: 50 % + 16 % = 66 %, room for the streams.
        let room = try ComplianceFixture()
        defer { room.remove() }
        try room.interfaces("s1-core", ["U1": (100_000_000, true)])
        try room.rates("s1-core", "U1", inbound: Array(repeating: 50e6, count: 20))
        #expect(try room.findings()["live-class-headroom:s1"]?.verdict == .pass)
        // v1's uplink has no samples: unknown, not a pass.
        #expect(f["live-class-headroom:v1"]?.verdict == .unknown && f["live-class-headroom:v1"]?.reason == "the downstream p95 of v1-up is unknown")
    }

    @Test func redundancyDistinctUpstreamBothUpAndDualHomedSchools() throws {
        let city = try ComplianceFixture()
        defer { city.remove() }
        try city.interfaces("agg-yn-sw", ["U1": (10_000_000_000, true), "U2": (10_000_000_000, true)])
        try city.interfaces("agg-hl-sw", ["U1": (10_000_000_000, true), "U2": (10_000_000_000, true)])
        var f = try city.findings()
        #expect(
            f["redundancy:agg-yn"]?.verdict == .fail
                && f["redundancy:agg-yn"]?.reason == "every uplink goes to core-a: one node's failure cuts it off")
        #expect(f["redundancy:agg-hl"]?.verdict == .pass && f["redundancy:agg-hl"]?.measured == "2 uplinks to core-a, core-b")
        #expect(f["redundancy:v1"]?.verdict == .fail && f["redundancy:v1"]?.reason == "single-homed: only v1-up")
        #expect(f["redundancy:s1"] == nil, "a primary school need not be dual-homed")
        try city.interfaces("agg-hl-sw", ["U1": (10_000_000_000, true), "U2": (10_000_000_000, false)])
        f = try city.findings()
        #expect(f["redundancy:agg-hl"]?.verdict == .fail && f["redundancy:agg-hl"]?.reason == "uplink hl-b is down")
        // A county node whose switch was never polled: the planned links are right, their state unknown.
        let unpolled = try ComplianceFixture()
        defer { unpolled.remove() }
        let unknown = try #require(try unpolled.findings()["redundancy:agg-hl"])
        #expect(unknown.verdict == .unknown && unknown.reason == "no interface state for hl-a, hl-b (not polled)")
    }

    @Test func campusBackboneAgainstTheSchoolTier() throws {
        let city = try ComplianceFixture()
        defer { city.remove() }
        try city.interfaces("v1-acc", ["B1": (1_000_000_000, true)])
        let backbone = try #require(try city.findings()["campus-backbone:v1-bb"])
        #expect(backbone.verdict == .fail && backbone.target == "≥ 10G" && backbone.measured == "1G")
        try city.interfaces("v1-acc", ["B1": (10_000_000_000, true)])
        #expect(try city.findings()["campus-backbone:v1-bb"]?.verdict == .pass)
        try city.interfaces("v1-acc", ["B1": (nil, true)])
        let noSpeed = try #require(try city.findings()["campus-backbone:v1-bb"])
        #expect(noSpeed.verdict == .unknown && noSpeed.reason == "v1-acc B1 reports no speed")
    }

    @Test func wifiCoverageAndAccessBandwidth() throws {
        let city = try ComplianceFixture()
        defer { city.remove() }
        // 100 polls: s1-ap01 always up; s1-ap02 down once (99 %, exactly the policy); v1-ap01 down twice (98 %).
        try city.accessPoints(
            [
                "s1-ap01": Array(repeating: true, count: 100), "s1-ap02": [false] + Array(repeating: true, count: 99),
                "v1-ap01": [false, false] + Array(repeating: true, count: 98),
            ], uplink: 100)
        let f = try city.findings(window: 6000)
        #expect(f["wifi-coverage:s1:teaching"]?.verdict == .pass && f["wifi-coverage:s1:teaching"]?.measured == "s1-ap01 up 100.0 %")
        #expect(f["wifi-coverage:s1:office"]?.verdict == .pass && f["wifi-coverage:s1:office"]?.measuredValue == 0.99)
        #expect(
            f["wifi-coverage:s1:public"]?.verdict == .fail
                && f["wifi-coverage:s1:public"]?.reason == "no public area with an access point in the inventory")
        #expect(f["wifi-coverage:v1:teaching"]?.verdict == .fail && f["wifi-coverage:v1:teaching"]?.measuredValue == 0.98)
        #expect(f["wifi-coverage:v1:office"]?.verdict == .unknown && f["wifi-coverage:v1:office"]?.reason == "the controller reports none of v1-ap02")
        // Uplinks of 100M: enough for a primary school (100M), not for a vocational college (300M).
        #expect(f["wireless-access:s1"]?.verdict == .pass && f["wireless-access:s1"]?.evidence.source == "AP uplink speed from the controller")
        let vocational = try #require(f["wireless-access:v1"])
        #expect(vocational.verdict == .fail && vocational.reason == "1 of 1 APs under 300M: v1-ap01")
    }

    @Test func explanationShowsTheSamplesAndTheArithmetic() throws {
        let city = try ComplianceFixture()
        defer { city.remove() }
        try city.interfaces("s1-core", ["U1": (2_500_000_000, true)])
        try city.rates("s1-core", "U1", inbound: (1...20).map { Double($0) * 100e6 } + [nil])
        let evaluator = ComplianceEvaluator(configuration: city.configuration, store: city.store)
        let from = ComplianceFixture.end.addingTimeInterval(-1260 + 0.001)
        let to = ComplianceFixture.end.addingTimeInterval(0.001)
        let finding = try #require(try evaluator.evaluate(from: from, to: to).first { $0.id == "delivered-capacity:s1-up:downstream" })
        let text = try evaluator.explain(finding, from: from, to: to)
        #expect(text.contains("rates of s1-core U1, in (= downstream), 21 intervals in the window:"))
        #expect(text.contains("  1 unknown: agent restarted"))
        #expect(text.contains("20 measured, ascending: 100 Mbit/s, 200 Mbit/s"))
        #expect(text.contains("p95 by nearest rank: ⌈0.95 × 20⌉ = 19 → 1.90 Gbit/s"))
        #expect(text.contains("utilisation = 1.90 Gbit/s / 2.50 Gbit/s = 76.0 %; threshold 80.0 %"), "\(text)")
        let capacity = try #require(try evaluator.evaluate(from: from, to: to).first { $0.id == "provisioned-capacity:s1-up" })
        let why = try evaluator.explain(capacity, from: from, to: to)
        #expect(
            why.contains("s1-core U1: ifHighSpeed 2500000000 bit/s, up") && why.contains("agg-yn-sw D1: device not polled")
                && why.contains("2500000000 ≥ 2500000000? yes: pass"), "\(why)")
    }

    @Test func wirelessAccessIsUnknownWithoutEvidence() throws {
        let city = try ComplianceFixture()
        defer { city.remove() }
        try city.accessPoints(["s1-ap01": [true, true]], uplink: nil)
        let access = try #require(try city.findings()["wireless-access:s1"])
        #expect(
            access.verdict == .unknown
                && access.reason == "the controller reports neither AP uplink speeds, nor clients' association rates, nor rate sets")
    }
}

@Suite("Compliance report formats")
struct ComplianceReportTests {
    @Test func countsRollUpAndUnknownIsNeverAPass() throws {
        let city = try ComplianceFixture()
        defer { city.remove() }
        try city.interfaces("s1-core", ["U1": (1_000_000_000, true)])
        let findings = try ComplianceEvaluator(configuration: city.configuration, store: city.store)
            .evaluate(from: ComplianceFixture.end.addingTimeInterval(-1200), to: ComplianceFixture.end)
        let report = ComplianceReport(findings: findings, inventory: city.configuration.inventory, from: .distantPast, to: ComplianceFixture.end)
        #expect(report.city.total == findings.count && report.city.pass + report.city.fail + report.city.unknown == findings.count)
        let yongning = try #require(report.counties.first { $0.county == "yongning" })
        #expect(yongning.counts.total == findings.filter { $0.subject.county == "yongning" }.count)
        #expect(report.findings.first?.verdict == .fail, "failing first")
        #expect(report.city.passShare == Double(report.city.pass) / Double(findings.count))
        let s1 = report.filtered(county: nil, school: "s1", inventory: city.configuration.inventory)
        #expect(s1.findings.allSatisfy { $0.subject.school == "s1" } && !s1.findings.isEmpty)
    }

    @Test func jsonSchemaAndCSVRoundTrip() throws {
        let city = try ComplianceFixture()
        defer { city.remove() }
        try city.interfaces("s1-core", ["U1": (1_000_000_000, true)])
        let findings = try ComplianceEvaluator(configuration: city.configuration, store: city.store)
            .evaluate(from: ComplianceFixture.end.addingTimeInterval(-1200), to: ComplianceFixture.end)
        let report = ComplianceReport(
            findings: findings, inventory: city.configuration.inventory, from: ComplianceFixture.end.addingTimeInterval(-1200),
            to: ComplianceFixture.end)
        let document = try #require(try JSONSerialization.jsonObject(with: report.json()) as? [String: Any])
        #expect(document["schema"] as? String == "edunet.report.bandwidth/v1")
        let body = try #require(document["report"] as? [String: Any])
        #expect(Set(body.keys) == ["from", "to", "findings", "city", "counties", "schools", "fleet", "cloud", "security"])
        let first = try #require((body["findings"] as? [[String: Any]])?.first)
        #expect(Set(first.keys).isSuperset(of: ["id", "rule", "subject", "target", "verdict", "evidence"]))
        #expect(Set((body["city"] as? [String: Any])?.keys.map { $0 } ?? []) == ["pass", "fail", "unknown", "total", "pass_share"])
        // CSV: BOM, a header, one row per finding, and the fields read back as written.
        let csv = report.csv()
        #expect(csv.hasPrefix("\u{FEFF}id,verdict,rule,"))
        let lines = csv.dropFirst().components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.count == findings.count + 1)
        let slow = try #require(lines.first { $0.hasPrefix("provisioned-capacity:s1-up,") })
        #expect(slow.hasPrefix("provisioned-capacity:s1-up,fail,provisioned-capacity,link,s1-up,,yongning,s1,≥ 2.5G,1G,"))
        let text = report.text()
        #expect(text.contains("不达标 Failing:") && text.contains("链路带宽") && text.contains("s1-up"))
    }
}

/// The HTML report rendered by headless Chromium (installed by scripts/setup.sh): the DOM it builds and the page
/// it draws.
@Suite("Compliance report in Chromium")
struct ComplianceHTMLTests {
    static func chromium(_ arguments: String, page: URL, output: URL) async throws -> Int32 {
        try await Chromium.run(arguments, page: page, output: output)
    }

    @Test func rendersTheCountsTheChartsAndBothLanguages() async throws {
        let city = try ComplianceFixture()
        defer { city.remove() }
        try city.interfaces("s1-core", ["U1": (2_500_000_000, true)])
        try city.interfaces("v1-acc", ["B1": (1_000_000_000, true)])
        try city.rates("s1-core", "U1", inbound: Array(repeating: 2100e6, count: 20))
        let window = (from: ComplianceFixture.end.addingTimeInterval(-1200 + 0.001), to: ComplianceFixture.end.addingTimeInterval(0.001))
        let evaluator = ComplianceEvaluator(configuration: city.configuration, store: city.store)
        let report = ComplianceReport(
            findings: try evaluator.evaluate(from: window.from, to: window.to), inventory: city.configuration.inventory,
            from: window.from, to: window.to)
        let congested = try #require(report.findings.first { $0.id == "delivered-capacity:s1-up:downstream" })
        #expect(congested.verdict == .fail)
        let series = try #require(try evaluator.series(for: [congested], from: window.from, to: window.to)[congested.id])
        #expect(series.points.count == 20 && series.p95 == 0.84 && series.threshold == 0.8)
        let page = city.directory.appendingPathComponent("report.html")
        try report.html(inventory: city.configuration.inventory, series: [congested.id: series]).write(to: page, atomically: true, encoding: .utf8)

        let dom = city.directory.appendingPathComponent("dom.html")
        #expect(try await Self.chromium("--dump-dom", page: page, output: dom) == 0)
        let text = try String(contentsOf: dom, encoding: .utf8)
        #expect(
            text.contains(#"id="city-fail">\#(report.city.fail)<"#) && text.contains(#"id="city-pass">\#(report.city.pass)<"#)
                && text.contains(#"id="city-unknown">\#(report.city.unknown)<"#), "the city's counts as computed")
        #expect(report.city.fail > 0 && report.city.unknown > 0)
        #expect(text.contains(#"<tr id="county-yongning">"#) && text.contains("永宁县") && text.contains("Yongning County"))
        #expect(
            text.contains(#"data-finding="campus-backbone:v1-bb""#) && text.contains(#"<svg class="utilisation""#)
                && text.contains("p95 84.0 %"), "the congested link's chart with its p95")
        #expect(text.contains(#"id="school-v1""#) && text.contains("永宁县职业技术学院"))

        let image = city.directory.appendingPathComponent("report.png")
        #expect(
            try await Self.chromium(
                "--screenshot='\(image.path)' --window-size=1200,1600", page: page, output: city.directory.appendingPathComponent("shot.log")) == 0)
        let png = try Data(contentsOf: image)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 20_000, "a drawn page, \(png.count) bytes")
    }
}
