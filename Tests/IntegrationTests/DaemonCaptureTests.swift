import Capture
import Foundation
import TestSupport
import Testing

/// `edunetd` capturing live on loopback: frames put on it with libpcap (a rogue DHCP offer and a query for a blocked
/// domain from the lab school's subnet) reach a real webhook receiver as security alerts, and /metrics counts them.
@Suite("edunetd live capture", .serialized, .enabled(if: getuid() == 0, "capturing needs root (CAP_NET_RAW)"))
struct DaemonCaptureTests {
    typealias F = FrameBytes
    /// DHCP and DNS from the test's own stations only: whatever else crosses loopback during the suite is not read.
    static let filter = "(udp port 67 or udp port 53) and (ether src 02:00:00:00:00:99 or ether src 02:00:00:00:00:10)"

    static let rogueOffer = F.ethernet(
        from: "02:00:00:00:00:99", type: 0x0800,
        F.ipv4(
            from: "10.21.0.99", to: "255.255.255.255", protocol: 17,
            F.udp(
                from: 67, to: 68,
                F.dhcp(op: 2, xid: 5, yiaddr: "10.21.1.50", client: "02:00:00:00:00:10", options: [(53, [2]), (54, F.ipv4("10.21.0.99"))]))))
    static let blockedQuery = F.ethernet(
        from: "02:00:00:00:00:10", type: 0x0800,
        F.ipv4(from: "10.21.0.10", to: "10.0.0.53", protocol: 17, F.udp(from: 53_001, to: 53, F.dnsQuery(id: 3, name: "www.gambling.example"))))

    static func securityAlerts(_ receiver: WebhookReceiver) -> [String: [String: String]] {
        var found: [String: [String: String]] = [:]
        for message in receiver.received {
            for alert in (message.json["data"] as? [String: Any])?["alerts"] as? [[String: Any]] ?? [] {
                let labels = alert["labels"] as? [String: String] ?? [:]
                // Capture's alerts name their interface (the posture checks' are security alerts too).
                if labels["category"] == "security", labels["interface"] != nil, let rule = alert["rule"] as? String { found[rule] = labels }
            }
        }
        return found
    }

    @Test func framesOnTheMirrorPortBecomeSecurityAlertsAndMetrics() async throws {
        let receiver = WebhookReceiver()
        try await receiver.start()
        let lab = try AlertingDaemonTests.Lab(receiver: receiver, capture: (["lo"], Self.filter))
        defer { lab.remove() }
        let pid = try await lab.startDaemon()
        var stopped = false
        defer { if !stopped { _ = EdunetTool.stop(pid) } }
        let logText = { (try? String(contentsOfFile: lab.log, encoding: .utf8)) ?? "" }
        try await waitFor("capturing on lo", diagnosis: logText) { logText().contains("capturing") }

        let sender = try LiveCapture(interface: "lo")
        try sender.inject(Self.rogueOffer)
        try sender.inject(Self.blockedQuery)
        try sender.inject(Self.rogueOffer)  // the same server again: one alert
        try await waitFor("the two security alerts", within: 30, diagnosis: { "\(Self.securityAlerts(receiver))\n\(logText())" }) {
            Self.securityAlerts(receiver).count == 2
        }
        let alerts = Self.securityAlerts(receiver)
        let rogue = try #require(alerts["rogue_dhcp_server"])
        #expect(rogue["school"] == "xq-01" && rogue["county"] == "xingqing" && rogue["address"] == "10.21.0.99" && rogue["severity"] == "critical")
        #expect(rogue["interface"] == "lo" && rogue["mac"] == "02:00:00:00:00:99")
        let blocked = try #require(alerts["blocked_domain"])
        #expect(blocked["address"] == "10.21.0.10" && blocked["school"] == "xq-01" && blocked["severity"] == "warning")
        let summaries = receiver.received.map { String(decoding: $0.body, as: UTF8.self) }
        #expect(summaries.contains { $0.contains("私设 DHCP 服务器 10.21.0.99") }, "\(summaries)")

        let port = try await SimulatedCityTests.httpPort(lab.directory)
        // The counters go to /metrics about once a second.
        var metrics = ""
        for _ in 0..<50 where !metrics.contains("edunet_capture_frames_total{interface=\"lo\"} 3") {
            try await Task.sleep(for: .milliseconds(200))
            metrics = try await SimulatedCityTests.get(port, "/metrics").body
        }
        #expect(metrics.contains("edunet_capture_frames_total{interface=\"lo\"} 3"), "\(metrics)")
        #expect(metrics.contains("edunet_capture_pcap_dropped{interface=\"lo\"} 0"), "\(metrics)")
        // Each frame is counted sent and received on loopback: 6 at least. libpcap's count also takes in what crossed
        // loopback between the socket's opening and its filter's attaching (the suite's other traffic), so not exactly.
        let received = metrics.split(separator: "\n").first { $0.hasPrefix("edunet_capture_pcap_received{interface=\"lo\"} ") }
            .flatMap { Double($0.split(separator: " ").last ?? "") }
        #expect((received ?? 0) >= 6, "\(metrics)")
        stopped = true
        #expect(EdunetTool.stop(pid) == 0, "\(logText())")
    }

    /// A frame from `mac` at `address` on the lab school's subnet (a DNS query, which the test's filter passes).
    static func query(from mac: String, _ address: String) -> [UInt8] {
        F.ethernet(
            from: mac, type: 0x0800,
            F.ipv4(from: address, to: "10.0.0.53", protocol: 17, F.udp(from: 53_002, to: 53, F.dnsQuery(id: 4, name: "www.example.edu"))))
    }

    @Test func terminalsImportedWhileCapturingAreKnownStations() async throws {
        let receiver = WebhookReceiver()
        try await receiver.start()
        let filter = "udp port 53 and (ether src 3c:2e:f9:00:00:10 or ether src 02:00:00:00:00:77)"
        let lab = try AlertingDaemonTests.Lab(receiver: receiver, capture: (["lo"], filter))
        defer { lab.remove() }
        let pid = try await lab.startDaemon()
        defer { _ = EdunetTool.stop(pid) }
        let logText = { (try? String(contentsOfFile: lab.log, encoding: .utf8)) ?? "" }
        try await waitFor("capturing on lo", diagnosis: logText) { logText().contains("capturing") }
        // The register is empty: the unknown-station check is off. Then a terminal is imported while the daemon captures.
        #expect(try await lab.command(["inventory", "apply", "--inventory", "inventory", "--policies", "policies"]).status == 0)
        let csv = lab.directory.appendingPathComponent("terminals.csv")
        try "序列号,MAC地址,学校\nEB1,3c:2e:f9:00:00:10,兴庆区第一小学\n".write(to: csv, atomically: true, encoding: .utf8)
        let imported = try await lab.command(["fleet", "import", "terminals", csv.path])
        #expect(imported.status == 0, "\(imported)")
        try await waitFor("the register read again", diagnosis: logText) { logText().contains("known_stations=1 register_version=") }
        try await Task.sleep(for: .milliseconds(1500))  // each capture thread takes the new set within a second
        let sender = try LiveCapture(interface: "lo")
        try sender.inject(Self.query(from: "3c:2e:f9:00:00:10", "10.21.0.10"))  // the imported terminal
        try sender.inject(Self.query(from: "02:00:00:00:00:77", "10.21.0.77"))  // a stranger
        try await waitFor("the stranger's alert", within: 30, diagnosis: { "\(Self.securityAlerts(receiver))\n\(logText())" }) {
            Self.securityAlerts(receiver)["unknown_station"] != nil
        }
        let alerts = receiver.received.flatMap { ($0.json["data"] as? [String: Any])?["alerts"] as? [[String: Any]] ?? [] }
            .filter { $0["rule"] as? String == "unknown_station" }.compactMap { ($0["labels"] as? [String: String])?["mac"] }
        #expect(Set(alerts) == ["02:00:00:00:00:77"], "the imported terminal is known")
    }

    @Test func anInterfaceThatCannotBeCapturedOnStopsTheStart() async throws {
        let receiver = WebhookReceiver()
        try await receiver.start()
        let lab = try AlertingDaemonTests.Lab(receiver: receiver, capture: (["edunet-none0"], Self.filter))
        defer { lab.remove() }
        let pid = try EdunetTool.start(
            ["--config", lab.directory.appendingPathComponent("edunetd.yaml").path], in: lab.directory,
            environment: ["LAB_COMMUNITY": "none", "LAB_TRAP_COMMUNITY": "lab-traps", "LAB_WEBHOOK_SECRET": AlertingDaemonTests.secret], log: lab.log,
            append: false)
        let status = try await TestProcess.finish(pid, within: 60)
        let log = (try? String(contentsOfFile: lab.log, encoding: .utf8)) ?? ""
        #expect(status == 1 && log.contains("interface edunet-none0"), "\(status)\n\(log)")
    }
}
