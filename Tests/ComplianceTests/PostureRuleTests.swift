import Compliance
import Foundation
import Model
import Reports
import Store
import TestSupport
import Testing

/// The graded-protection posture rules on probes and polls written to a real SQLite file at exact times.
@Suite("Graded-protection posture rules")
struct PostureRuleTests {
    let end = ComplianceFixture.end
    let hour: TimeInterval = 3600
    let day: TimeInterval = 86_400

    private func findings(_ city: ComplianceFixture, configuration: CityConfiguration? = nil, at time: Date? = nil) throws -> [String: Finding] {
        let to = time ?? end
        let all = try ComplianceEvaluator(configuration: configuration ?? city.configuration, store: city.store)
            .evaluate(from: to.addingTimeInterval(-1200), to: to.addingTimeInterval(0.001))
        return Dictionary(all.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// A poll of v1-acc (an access switch) at `time`: each port up, down, or administratively down.
    private func poll(_ city: ComplianceFixture, at time: Date, _ ports: [String: (admin: Bool, oper: Bool)]) throws {
        try city.store.record(
            DeviceObservations(
                device: "v1-acc", time: time, rates: [],
                interfaces: ports.sorted { $0.key < $1.key }.enumerated().map { i, port in
                    InterfaceStatus(
                        name: port.key, index: UInt32(i + 1), alias: nil, speedBitsPerSecond: 1_000_000_000, adminUp: port.value.admin,
                        operUp: port.value.oper)
                }))
    }

    @Test func aDefaultCommunityFailsOnTheLatestProbeAndAnOldOrSilentOneIsUnknown() throws {
        let city = try ComplianceFixture()
        defer { city.remove() }
        let posture = PostureStore(database: city.store.database)
        let answered = [CommunityProbe.Answer(community: "public", version: "v1"), .init(community: "public", version: "v2c")]
        try posture.record([
            CommunityProbe(device: "core-a", time: end.addingTimeInterval(-hour), reachable: true, answers: answered),
            CommunityProbe(device: "core-b", time: end.addingTimeInterval(-hour), reachable: true, answers: []),
            CommunityProbe(device: "agg-yn-sw", time: end.addingTimeInterval(-hour), reachable: false, answers: []),
            // Two intervals of 24 h and a second ago: too old to say how the device is configured now.
            CommunityProbe(device: "agg-hl-sw", time: end.addingTimeInterval(-48 * hour - 1), reachable: true, answers: []),
        ])
        var f = try findings(city)
        let open = try #require(f["snmp-default-community:core-a"])
        #expect(open.verdict == .fail && open.measured == "answers public (v1, v2c)" && open.measuredValue == 1)
        #expect(open.subject.kind == .device && open.subject.county == nil && open.evidence.samples == 1 + 2 * 6)
        #expect(f["snmp-default-community:core-b"]?.verdict == .pass && f["snmp-default-community:core-b"]?.measured == "answers none")
        let silent = try #require(f["snmp-default-community:agg-yn-sw"])
        #expect(silent.verdict == .unknown && silent.subject.county == "yongning")
        #expect(silent.reason?.hasPrefix("the device answered neither its own credentials nor a default community") == true)
        #expect(f["snmp-default-community:agg-hl-sw"]?.verdict == .unknown)
        #expect(f["snmp-default-community:agg-hl-sw"]?.reason?.hasSuffix("is too old") == true)
        #expect(f["snmp-default-community:s1-core"]?.reason == "not probed yet")
        #expect(f["snmp-default-community:s1-ap01"] == nil, "an AP is read through its controller and never probed")
        // A later probe replaces the earlier one: the community was removed.
        try posture.record([CommunityProbe(device: "core-a", time: end.addingTimeInterval(-60), reachable: true, answers: [])])
        f = try findings(city)
        #expect(f["snmp-default-community:core-a"]?.verdict == .pass)
        #expect(try posture.probes().count == 4)
    }

    @Test func snmpV3IsRequiredAtAuthPrivForTheRolesThePolicyNames() throws {
        let city = try ComplianceFixture()
        defer { city.remove() }
        // The fixture polls every device with v2c: the core switches fail, the access switch and the controller have no finding.
        var f = try findings(city)
        let v2c = try #require(f["snmp-v3-required:core-a"])
        #expect(v2c.verdict == .fail && v2c.measured == "v2c (profile v2)" && v2c.target == "SNMPv3 authPriv")
        #expect(f["snmp-v3-required:v1-acc"] == nil && f["snmp-v3-required:wlc"] == nil)
        #expect(f.values.filter { $0.rule == .snmpV3Required }.count == 6)

        var configuration = city.configuration
        let auth = SNMPProfile.Key(protocolName: SNMPAuthProtocol.sha256, secret: .environment("AUTH"))
        let privacy = SNMPProfile.Key(protocolName: SNMPPrivacyProtocol.aes128, secret: .environment("PRIV"))
        configuration.inventory.snmpProfiles = [
            SNMPProfile(id: "v2", version: .v3, user: "poller", auth: auth, privacy: privacy),
            SNMPProfile(id: "auth-only", version: .v3, user: "poller", auth: auth),
        ]
        configuration.inventory.devices = configuration.inventory.devices.map { device in
            var device = device
            if device.id == "core-b" { device.snmpProfile = "auth-only" }
            if device.id == "agg-hl-sw" { device.snmpProfile = "missing" }
            return device
        }
        f = try findings(city, configuration: configuration)
        #expect(f["snmp-v3-required:core-a"]?.verdict == .pass && f["snmp-v3-required:core-a"]?.measured == "v3 authPriv (profile v2)")
        #expect(f["snmp-v3-required:core-b"]?.verdict == .fail && f["snmp-v3-required:core-b"]?.measured == "v3 authNoPriv (profile auth-only)")
        #expect(
            f["snmp-v3-required:agg-hl-sw"]?.verdict == .unknown
                && f["snmp-v3-required:agg-hl-sw"]?.reason == "its SNMP profile is not in the inventory")
    }

    @Test func anAccessPortDownForThePolicysDaysIsUnusedFromTheFirstPollThatFoundItDown() throws {
        let city = try ComplianceFixture()
        defer { city.remove() }
        #expect(try findings(city)["unused-ports:v1-acc"]?.reason == "not polled yet")
        // B1 is a planned link's port; G4 is shut already.
        try poll(
            city, at: end.addingTimeInterval(-31 * day),
            ["B1": (true, false), "G1": (true, false), "G2": (true, true), "G3": (true, false), "G4": (false, false)])
        // G3 was plugged in since (it leaves the table); G2 was unplugged 10 days ago.
        try poll(
            city, at: end.addingTimeInterval(-10 * day),
            ["B1": (true, false), "G1": (true, false), "G2": (true, false), "G3": (true, true), "G4": (false, false)])
        let since = try PostureStore(database: city.store.database).downSince()["v1-acc"]
        #expect(since == ["B1": end.addingTimeInterval(-31 * day), "G1": end.addingTimeInterval(-31 * day), "G2": end.addingTimeInterval(-10 * day)])
        var unused = try #require(try findings(city)["unused-ports:v1-acc"])
        #expect(unused.verdict == .fail && unused.measured == "1 port: G1" && unused.measuredValue == 1 && unused.evidence.samples == 5)
        #expect(unused.target == "no port admin-up and down for 30 days" && unused.subject.school == "v1")
        // 20 days on, G2 has been down for 30 days too.
        unused = try #require(try findings(city, at: end.addingTimeInterval(20 * day))["unused-ports:v1-acc"])
        #expect(unused.measured == "2 ports: G1, G2")
        // Shut (admin-down) and the finding passes; the core switches are not access switches and have none.
        try poll(
            city, at: end.addingTimeInterval(20 * day),
            ["B1": (true, false), "G1": (false, false), "G2": (false, false), "G3": (true, true), "G4": (false, false)])
        let f = try findings(city, at: end.addingTimeInterval(20 * day))
        #expect(f["unused-ports:v1-acc"]?.verdict == .pass && f["unused-ports:v1-acc"]?.measured == "none of 5 ports")
        #expect(f["unused-ports:s1-core"] == nil)
        #expect(try PostureStore(database: city.store.database).downSince()["v1-acc"]?.keys.sorted() == ["B1"])
    }

    @Test func theSecuritySectionCountsThePostureFindingsInEveryFormat() throws {
        let city = try ComplianceFixture()
        defer { city.remove() }
        try PostureStore(database: city.store.database).record([
            CommunityProbe(
                device: "agg-yn-sw", time: end.addingTimeInterval(-hour), reachable: true, answers: [.init(community: "public", version: "v2c")]),
            CommunityProbe(device: "v1-acc", time: end.addingTimeInterval(-hour), reachable: true, answers: []),
        ])
        try poll(city, at: end.addingTimeInterval(-40 * day), ["G1": (true, false), "G2": (true, false), "G3": (true, true)])
        let all = try ComplianceEvaluator(configuration: city.configuration, store: city.store).evaluate(from: end.addingTimeInterval(-1200), to: end)
        let report = ComplianceReport(findings: all, inventory: city.configuration.inventory, from: end.addingTimeInterval(-1200), to: end)
            .filtered(county: nil, school: nil, rules: Finding.Rule.security, title: .security, inventory: city.configuration.inventory)
        #expect(Set(report.findings.map(\.rule)) == Finding.Rule.security)
        let yongning = try #require(report.security.first { $0.county == "yongning" })
        // yongning: agg-yn-sw (default community, v2c core), s1-core and v1-core (v2c, not probed), v1-acc (2 unused ports), wlc (not probed).
        #expect(yongning.devices == 5 && yongning.defaultCommunity == 1 && yongning.belowV3AuthPriv == 3)
        #expect(yongning.unusedPortDevices == 1 && yongning.unusedPorts == 2 && yongning.unknown == 3)
        let cityRow = try #require(report.security.last)
        #expect(cityRow.county == "city" && cityRow.devices == 8 && cityRow.belowV3AuthPriv == 6 && cityRow.defaultCommunity == 1)
        #expect(report.security.map(\.county) == ["yongning", "helan", "city"], "counties in the inventory's order, then the city")

        let text = report.text(english: true)
        #expect(text.hasPrefix("Security posture  "))
        // The county summary comes first, then the security section.
        let row = try #require(text.split(separator: "\n").last { $0.hasPrefix("yongning ") })
        #expect(row.split(separator: " ", omittingEmptySubsequences: true).suffix(6) == ["5", "1", "3", "1", "2", "3"])
        let body = try #require(try JSONSerialization.jsonObject(with: report.json()) as? [String: Any])["report"] as? [String: Any]
        let json = try #require((body?["security"] as? [[String: Any]])?.first { $0["county"] as? String == "yongning" })
        #expect(json["default_community"] as? Int == 1 && json["unused_ports"] as? Int == 2 && json["below_v3_auth_priv"] as? Int == 3)
        let html = report.html(inventory: city.configuration.inventory)
        #expect(html.contains("<section id=\"security\">") && html.contains("<tr id=\"security-yongning\" class=\"fail\">"))
        #expect(html.contains("<title>等级保护安全检查报告 Security posture</title>"))
        #expect(report.csv().contains("\r\nsnmp-default-community:agg-yn-sw,fail,snmp-default-community,device,agg-yn-sw,,yongning,,"))
        // A report without posture findings has no section.
        let bandwidth = report.filtered(county: nil, school: nil, rules: [.provisionedCapacity], inventory: city.configuration.inventory)
        #expect(bandwidth.security.isEmpty && !bandwidth.html(inventory: city.configuration.inventory).contains("id=\"security\""))
    }
}
