import Capture
import Foundation
import SNMP
import TestSupport
import Testing

/// `edunetd` quarantining by itself: security.yaml's `quarantine.automatic` names rogue DHCP servers, a rogue offer
/// from a station of the writable switch recording (behind its port 4) crosses the capture, and the daemon shuts that
/// port, raises `port_quarantined` at a real receiver saying how to undo it, and resolves it when district IT undoes it.
@Suite("edunetd quarantines", .serialized, .enabled(if: getuid() == 0, "capturing needs root (CAP_NET_RAW)"))
struct DaemonQuarantineTests {
    typealias F = FrameBytes
    static let station = "10:60:4b:b4:5f:48"
    static let ifAdminStatus4 = "1.3.6.1.2.1.2.2.1.7.4"

    static let rogueOffer = F.ethernet(
        from: station, type: 0x0800,
        F.ipv4(
            from: "10.21.0.98", to: "255.255.255.255", protocol: 17,
            F.udp(
                from: 67, to: 68,
                F.dhcp(op: 2, xid: 9, yiaddr: "10.21.1.51", client: "02:00:00:00:00:11", options: [(53, [2]), (54, F.ipv4("10.21.0.98"))]))))

    static func quarantineAlerts(_ receiver: WebhookReceiver) -> [(status: String, labels: [String: String], summary: String)] {
        receiver.received.flatMap { message in
            ((message.json["data"] as? [String: Any])?["alerts"] as? [[String: Any]] ?? []).filter { $0["rule"] as? String == "port_quarantined" }
                .map { alert in
                    (
                        alert["status"] as? String ?? "?", alert["labels"] as? [String: String] ?? [:],
                        ((alert["annotations"] as? [String: Any])?["summary"] as? String) ?? String(decoding: message.body, as: UTF8.self)
                    )
                }
        }
    }

    @Test func aRogueDHCPServerIsQuarantinedOnItsPortAndReleasedByHand() async throws {
        try await TestAgents.withWritableSwitch { agent in
            let receiver = WebhookReceiver()
            try await receiver.start()
            let lab = try AlertingDaemonTests.Lab(receiver: receiver, capture: (["lo"], "udp port 67 and ether src \(Self.station)"))
            defer { lab.remove() }
            try """
            snmp_profiles:
              - {id: procurve, version: v2c, community: {env: LAB_SWITCH_COMMUNITY}}
            devices:
              - {id: xq-acc, name: 兴庆一小接入交换机, role: access-switch, school: xq-01, management: {address: 127.0.0.1, port: \(agent.port)}, snmp_profile: procurve, snmp_write_profile: procurve}

            """.write(to: lab.directory.appendingPathComponent("inventory/switch.yaml"), atomically: true, encoding: .utf8)
            let security = lab.directory.appendingPathComponent("policies/security.yaml")
            try
                (try String(contentsOf: security, encoding: .utf8).components(separatedBy: "# Quarantine")[0]
                + "quarantine: {action: shutdown, period_hours: 1, automatic: [rogue_dhcp_server]}\n")
                .write(to: security, atomically: true, encoding: .utf8)

            let pid = try await lab.startDaemon()
            defer { _ = EdunetTool.stop(pid) }
            let logText = { (try? String(contentsOfFile: lab.log, encoding: .utf8)) ?? "" }
            try await waitFor("capturing on lo", diagnosis: logText) { logText().contains("capturing") }
            try LiveCapture(interface: "lo").inject(Self.rogueOffer)
            try await waitFor("the quarantine's alert", within: 30, diagnosis: { "\(Self.quarantineAlerts(receiver))\n\(logText())" }) {
                Self.quarantineAlerts(receiver).contains { $0.status == "firing" }
            }
            let fired = try #require(Self.quarantineAlerts(receiver).first)
            let plan = try #require(fired.labels["plan"])
            #expect(plan.hasPrefix("quarantine-") && fired.labels["mac"] == Self.station && fired.labels["device"] == "xq-acc")
            #expect(fired.labels["school"] == "xq-01" && fired.labels["trigger"] == "rogue_dhcp_server")
            #expect(fired.summary.contains("xq-acc 4") && fired.summary.contains("edunet provision undo \(plan)"), "\(fired.summary)")

            let engine = SNMPEngine()
            let target = SNMPTarget(host: "127.0.0.1", port: agent.port, credentials: .v2c(community: TestAgents.writableSwitch))
            #expect(try await engine.get(target, [OID(parsing: Self.ifAdminStatus4)!]).first?.value == .integer32(2))

            #expect(try await lab.command(["inventory", "apply", "--inventory", "inventory", "--policies", "policies"]).status == 0)
            let history = try await lab.command(["provision", "history", "--plan", plan, "--format", "csv"])
            #expect(history.status == 0 && history.out.contains("automatic quarantine (rogue_dhcp_server): "), "\(history.out)")
            #expect(!logText().contains("measurements not stored"), "every poll of the switch is stored")
            let undone = try await lab.command(["provision", "undo", plan, "--by", "李工", "--reason", "误报：实验室的 DHCP"])
            #expect(undone.status == 0 && undone.err.contains("1 of 1 changes applied"), "\(undone)")
            #expect(try await engine.get(target, [OID(parsing: Self.ifAdminStatus4)!]).first?.value == .integer32(1))
            try await waitFor("the quarantine's alert resolved", within: 30, diagnosis: { "\(Self.quarantineAlerts(receiver))\n\(logText())" }) {
                Self.quarantineAlerts(receiver).contains { $0.status == "resolved" }
            }
            await engine.shutdown()
        }
    }
}
