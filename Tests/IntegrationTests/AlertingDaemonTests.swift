import Alerting
import Daemon
import Foundation
import Model
import Store
import TestSupport
import Testing

/// `edunetd` end to end: real traps sent with net-snmp's `snmptrap`, webhooks to a real receiver, a SIGKILL with
/// messages pending, and the `edunet alerts` commands on what it stored.
@Suite("edunetd alerting, end to end", .serialized)
struct AlertingDaemonTests {
    static let secret = "whsec_" + Data("daemon test key".utf8).base64EncodedString()

    /// A lab: the sample counties and policies, one switch at 127.0.0.1 (no agent: it is simply down), alerts to `receiver`;
    /// with `capture`, a school on 10.21.0.0/20 and live capture on those interfaces with that filter; with `posture`,
    /// the posture agents' two switches (`TestAgents.posture()` on that port).
    struct Lab {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("edunet-alerting-\(UUID().uuidString)")
        let trapPort = WebhookReceiver.freePort()
        var database: String { directory.appendingPathComponent("lab.sqlite").path }
        var log: String { directory.appendingPathComponent("edunetd.log").path }

        init(receiver: WebhookReceiver, capture: (interfaces: [String], filter: String)? = nil, posture: UInt16? = nil) throws {
            let fm = FileManager.default
            try fm.createDirectory(at: directory.appendingPathComponent("inventory"), withIntermediateDirectories: true)
            try fm.copyItem(at: AlertFixture.root.appendingPathComponent("policies"), to: directory.appendingPathComponent("policies"))
            try fm.copyItem(
                at: AlertFixture.root.appendingPathComponent("inventory/counties.yaml"),
                to: directory.appendingPathComponent("inventory/counties.yaml"))
            try """
            snmp_profiles:
              - {id: lab, version: v2c, community: {env: LAB_COMMUNITY}}
            nodes:
              - {id: agg-xingqing, name: 兴庆区汇聚, kind: county-aggregation, county: xingqing}
            devices:
              - {id: lab-sw, name: 实验交换机, role: core-switch, node: agg-xingqing, management: {address: 127.0.0.1, port: \(WebhookReceiver.freePort())}, snmp_profile: lab}

            """.write(to: directory.appendingPathComponent("inventory/lab.yaml"), atomically: true, encoding: .utf8)
            if let posture {
                try """
                snmp_profiles:
                  - {id: posture-v2c, version: v2c, community: {env: LAB_POSTURE_COMMUNITY}}
                  - id: posture-v3
                    version: v3
                    user: u-posture
                    auth: {protocol: SHA-256, key: {env: LAB_AUTH_KEY}}
                    privacy: {protocol: AES-128, key: {env: LAB_PRIV_KEY}}
                devices:
                  - {id: open-sw, name: 默认团体名交换机, role: access-switch, node: agg-xingqing, management: {address: 127.21.0.1, port: \(posture)}, snmp_profile: posture-v2c}
                  - {id: v3-sw, name: 加密交换机, role: core-switch, node: agg-xingqing, management: {address: 127.21.0.2, port: \(posture)}, snmp_profile: posture-v3}

                """.write(to: directory.appendingPathComponent("inventory/posture.yaml"), atomically: true, encoding: .utf8)
            }
            if capture != nil {
                try """
                schools:
                  - {id: xq-01, name: 兴庆区第一小学, name_en: Xingqing No. 1 Primary School, county: xingqing, kind: primary, students: 1200, teachers: 80, subnets: [10.21.0.0/20]}

                """.write(to: directory.appendingPathComponent("inventory/school.yaml"), atomically: true, encoding: .utf8)
            }
            try """
            receivers:
              - {id: city-noc, name: 市教育网络中心, kind: generic, url: "\(receiver.url("/hooks/city-noc"))", secret: {env: LAB_WEBHOOK_SECRET}}
            default_receiver: city-noc
            grouping: {group_wait_seconds: 0, group_interval_seconds: 0}
            delivery: {initial_backoff_seconds: 0.2, max_backoff_seconds: 0.5}

            """.write(to: directory.appendingPathComponent("policies/alerting.yaml"), atomically: true, encoding: .utf8)
            // The API takes far more than a person's 600 requests a minute a token: schemathesis sends thousands.
            try """
            database: lab.sqlite
            inventory: inventory
            policies: policies
            poll: {interval_seconds: 1, timeout_seconds: 0.2, retries: 0}
            http: {listen: "127.0.0.1:0", api_requests_per_minute: 1000000}
            traps: {port: \(trapPort), community: {env: LAB_TRAP_COMMUNITY}}
            alerts: {tick_seconds: 0.1, evaluate_seconds: 1}
            \(capture.map { "capture: {interfaces: [\($0.interfaces.joined(separator: ", "))], filter: \"\($0.filter)\"}" } ?? "")

            """.write(to: directory.appendingPathComponent("edunetd.yaml"), atomically: true, encoding: .utf8)
        }

        func startDaemon() async throws -> pid_t {
            var logged: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
            let starts = logged.components(separatedBy: "traps listening").count
            let pid = try EdunetTool.start(
                ["--config", directory.appendingPathComponent("edunetd.yaml").path], in: directory,
                environment: Self.environment.merging(["LAB_TRAP_COMMUNITY": "lab-traps", "LAB_WEBHOOK_SECRET": secret]) { a, _ in a },
                log: log, append: true)
            var exited: Int32?
            do {
                // A daemon that stopped fails the test at once, with its log.
                try await waitFor("traps listening", within: 60, diagnosis: { logged }) {
                    exited = TestProcess.status(ifExited: pid)
                    if let exited { throw WaitTimedOut(description: "edunetd exited with \(exited) before listening:\n\(logged)") }
                    return logged.components(separatedBy: "traps listening").count > starts
                }
            } catch {
                if exited == nil {
                    kill(pid, SIGKILL)
                    _ = try? TestProcess.wait(pid)
                }
                throw error
            }
            return pid
        }

        /// `snmptrap` from 127.0.0.1 to the daemon.
        func trap(_ arguments: String, community: String = "lab-traps", version: String = "2c") async throws {
            try await trap(arguments, options: "-v \(version) -c \(community)")
        }

        /// `snmptrap` with these options (an SNMPv3 user's, a source address) to the daemon.
        func trap(_ arguments: String, options: String) async throws {
            let status = try await TestProcess.finish(
                try TestProcess.spawn("snmptrap \(options) 127.0.0.1:\(trapPort) \(arguments) > /dev/null 2>&1"))
            #expect(status == 0, "snmptrap failed")
        }

        /// What the daemon serves on /metrics once `ready` says it has what the test waits for.
        func metrics(until ready: @escaping (String) -> Bool) async throws -> String {
            let port = try #require(
                try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").first { $0.contains("http listening") }?
                    .split(separator: " ").first { $0.hasPrefix("port=") }?.dropFirst(5))
            let file = directory.appendingPathComponent("metrics.txt").path
            var exported = ""
            try await waitFor("the figures on /metrics", diagnosis: { exported }) {
                _ = try TestProcess.wait(
                    try TestProcess.spawn(
                        "python3 -c \"import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:\(port)/metrics').read().decode())\" > '\(file)'"
                    ))
                exported = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
                return ready(exported)
            }
            return exported
        }

        /// `edunet`, waited for without holding a test thread (for tests that run many commands).
        func command(_ arguments: [String]) async throws -> (status: Int32, out: String, err: String) {
            let outcome = try await EdunetTool.execute(arguments, in: directory, environment: cliEnvironment)
            return (outcome.status, outcome.stdout, outcome.stderr)
        }

        var cliEnvironment: [String: String] { Self.environment.merging(["LAB_WEBHOOK_SECRET": secret, "EDUNET_DB": database]) { a, _ in a } }

        /// The devices' secrets (test credentials of the test agents).
        static let environment = [
            "LAB_COMMUNITY": "none", "LAB_POSTURE_COMMUNITY": "edunet-test", "LAB_AUTH_KEY": "edunet-auth-pass", "LAB_PRIV_KEY": "edunet-priv-pass",
            "LAB_SWITCH_COMMUNITY": TestAgents.writableSwitch,
        ]

        func store() throws -> AlertStore { AlertStore(database: try StoreDatabase(path: database)) }

        func remove() { try? FileManager.default.removeItem(at: directory) }
    }

    static func linkDown(_ index: Int) -> String {
        "'' 1.3.6.1.6.3.1.1.5.3 1.3.6.1.2.1.2.2.1.1.\(index) i \(index) 1.3.6.1.2.1.31.1.1.1.1.\(index) s GigabitEthernet0/0/\(index)"
    }

    static func linkUp(_ index: Int) -> String { "'' 1.3.6.1.6.3.1.1.5.4 1.3.6.1.2.1.2.2.1.1.\(index) i \(index)" }

    /// The trap alerts (`status rule interface-or-device`) in every request the receiver got, in order.
    static func said(_ receiver: WebhookReceiver) -> [String] {
        receiver.received.flatMap { request in
            ((request.json["data"] as? [String: Any])?["alerts"] as? [[String: Any]] ?? []).filter {
                !AlertSources.complianceRules.contains($0["rule"] as? String ?? "")
            }
            .map {
                "\($0["status"] as? String ?? "?") \($0["rule"] as? String ?? "?") \(($0["labels"] as? [String: String])?["interface"] ?? ($0["labels"] as? [String: String])?["device"] ?? "")"
            }
        }
    }

    @Test func aRealTrapRaisesAndResolvesItsAlertAndTheCLIWorksWithIt() async throws {
        let receiver = WebhookReceiver()
        try await receiver.start()
        let lab = try Lab(receiver: receiver)
        defer { lab.remove() }
        let pid = try await lab.startDaemon()
        defer {
            kill(pid, SIGTERM)
            _ = try? TestProcess.wait(pid)
        }

        try await lab.trap(Self.linkDown(7))
        try await lab.trap(Self.linkDown(8), community: "wrong")  // dropped: not the configured community
        try await lab.trap("1.3.6.1.4.1.8072.3.2.10 127.0.0.1 0 0 ''", version: "1")  // v1 coldStart
        try await waitFor(
            "the linkDown and coldStart messages",
            diagnosis: { "\(Self.said(receiver))\n" + ((try? String(contentsOfFile: lab.log, encoding: .utf8)) ?? "") }
        ) {
            Self.said(receiver).count >= 2
        }
        #expect(Set(Self.said(receiver)) == ["firing trap_link_down GigabitEthernet0/0/7", "firing device_restarted lab-sw"])
        try await lab.trap(Self.linkUp(7))
        try await waitFor("the linkUp's resolution") { Self.said(receiver).contains("resolved trap_link_down GigabitEthernet0/0/7") }

        // Compliance is evaluated once the first poll cycle is over.
        try await waitFor("the compliance alert") {
            try lab.store().alerts(state: .firing, county: nil, limit: 10).contains { $0.rule == "compliance_fail" }
        }
        let alerts = try lab.store().alerts(state: nil, county: nil, limit: 10)
        // lab-sw is a core switch polled with v2c: graded protection wants SNMPv3 (authPriv), and that is an alert from the start.
        #expect(
            Set(alerts.map(\.subject)) == ["lab-sw/7", "lab-sw", "redundancy:agg-xingqing", "snmp-v3-required:lab-sw"],
            "nothing from the trap with the wrong community")
        // The lab's county node has no uplinks at all: the compliance check fails, and that is an alert too.
        #expect(alerts.first { $0.rule == "compliance_fail" }?.summary.zh.hasPrefix("双归冗余不达标：agg-xingqing") == true)
        let linkAlert = try #require(alerts.first { $0.subject == "lab-sw/7" })
        #expect(linkAlert.state == .resolved && linkAlert.labels["county"] == "xingqing" && linkAlert.labels["source"] == "127.0.0.1")
        // Every request carried a valid Standard Webhooks signature.
        for request in receiver.received {
            let id = request.headers["webhook-id"] ?? ""
            let timestamp = Int(request.headers["webhook-timestamp"] ?? "") ?? 0
            #expect(
                request.headers["webhook-signature"]
                    == WebhookSignature.standardWebhooks(secret: Self.secret, webhookID: id, timestamp: timestamp, body: request.body))
        }

        // The CLI on what the daemon stored.
        var run = try await lab.command(["alerts", "list", "--state", "all"])
        #expect(
            run.status == 0 && run.out.contains("trap_link_down") && run.out.contains("device_restarted")
                && run.out.contains("lab-sw 发来 linkDown") == false)
        #expect(run.out.contains("实验交换机（lab-sw） 发来 linkDown：端口 GigabitEthernet0/0/7 断开"))
        run = try await lab.command(["alerts", "list", "--format", "json"])
        let firing = try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any]
        #expect(
            Set((firing?["alerts"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String }) == [
                "device_restarted", "compliance_fail", "security_posture",
            ])
        run = try await lab.command(["alerts", "show", String(linkAlert.id)])
        let shown = run.out.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
        #expect(run.status == 0 && shown.contains("state resolved") && shown.contains("rule trap_link_down (端口断开（Trap）)"), "\(run.out)")
        #expect(shown.contains { $0.hasPrefix("labels county=xingqing device=lab-sw interface=GigabitEthernet0/0/7") })
        #expect(shown.filter { $0.hasPrefix("20") && ($0.contains(" firing ") || $0.contains(" resolved ")) }.count == 2, "history: fired, resolved")
        run = try await lab.command(["alerts", "show", "999"])
        #expect(run.status == 1 && run.err.contains("no alert 999"))
        let restart = try #require(alerts.first { $0.subject == "lab-sw" })
        run = try await lab.command(["alerts", "ack", String(restart.id), "--by", "王工"])
        #expect(run.status == 0 && run.out.hasPrefix("alert \(restart.id) acknowledged by 王工"))
        #expect(try lab.store().alert(String(restart.id)).acknowledgedBy == "王工")
        run = try await lab.command(["inventory", "apply", "--inventory", "inventory", "--policies", "policies"])
        #expect(run.status == 0, "\(run.err)")
        run = try await lab.command(["alerts", "silence", "--match", "county=兴庆区", "--for", "2h", "--reason", "光缆抢修", "--by", "王工"])
        #expect(run.status == 0 && run.out.hasPrefix("silence 1: county=xingqing from "))
        run = try await lab.command(["alerts", "silence", "--match", "colour=red", "--for", "2h", "--reason", "x"])
        #expect(run.status != 0 && run.err.contains("unknown label `colour`"))
        run = try await lab.command(["alerts", "silences"])
        #expect(run.out.contains("county=xingqing") && run.out.contains("active") && run.out.contains("光缆抢修"))
        run = try await lab.command(["alerts", "unsilence", "1"])
        #expect(run.status == 0)
        #expect(try await lab.command(["alerts", "silences"]).out.contains("county=xingqing") == false)
        try await waitFor("an empty outbox") { try lab.store().outboxCounts()[.pending] == nil }
        run = try await lab.command(["alerts", "outbox", "--all"])
        #expect(run.status == 0 && run.out.contains("delivered") && run.err.contains("0 pending"))
        run = try await lab.command(["status"])
        #expect(run.out.contains("alerts") && run.out.contains("firing (0 critical, 2 warning, 1 info)"), "\(run.out)")
        #expect(run.out.contains("outbox") && run.out.contains("0 pending"), "\(run.out)")
        // /metrics carries alerting's figures.
        let exported = try await lab.metrics {
            $0.contains(#"edunet_alerts_firing{severity="info"} 1"#) && $0.contains("edunet_snmp_traps_total 3")
        }
        #expect(exported.contains(#"edunet_webhook_attempts_total{outcome="delivered"}"#))
        run = try await lab.command(["alerts", "test-receiver", "city-noc"])
        #expect(run.status == 0 && run.out.contains("result    delivered"), "\(run.out)\(run.err)")
        #expect((receiver.received.last?.json["type"] as? String) == "alert.test")
        await receiver.stop()
    }

    @Test func aTakenTrapPortStopsTheDaemonWithAClearError() async throws {
        let lab = try Lab(receiver: WebhookReceiver())
        defer { lab.remove() }
        let holder = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(holder) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(lab.trapPort).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(holder, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        #expect(bound == 0)
        let pid = try EdunetTool.start(
            ["--config", lab.directory.appendingPathComponent("edunetd.yaml").path], in: lab.directory,
            environment: ["LAB_COMMUNITY": "none", "LAB_TRAP_COMMUNITY": "x"], log: lab.log)
        #expect(try await TestProcess.finish(pid, within: 60) == 1)
        #expect(try String(contentsOfFile: lab.log, encoding: .utf8).contains("cannot listen for traps on UDP 127.0.0.1:\(lab.trapPort)"))
    }

    @Test func aReloadSendsNewAlertsWhereTheNewPolicySays() async throws {
        let first = WebhookReceiver()
        let second = WebhookReceiver()
        try await first.start()
        try await second.start()
        let lab = try Lab(receiver: first)
        defer { lab.remove() }
        let pid = try await lab.startDaemon()
        defer {
            kill(pid, SIGTERM)
            _ = try? TestProcess.wait(pid)
        }
        try await lab.trap(Self.linkDown(1))
        try await waitFor("the first receiver's message") { Self.said(first).contains("firing trap_link_down GigabitEthernet0/0/1") }
        let policy = lab.directory.appendingPathComponent("policies/alerting.yaml")
        try String(contentsOf: policy, encoding: .utf8).replacingOccurrences(of: first.url("/hooks/city-noc"), with: second.url("/hooks/city-noc"))
            .write(to: policy, atomically: true, encoding: .utf8)
        kill(pid, SIGHUP)
        try await waitFor("the reload") { (try? String(contentsOfFile: lab.log, encoding: .utf8))?.contains("reloaded") ?? false }
        try await lab.trap(Self.linkDown(2))
        try await waitFor("the second receiver's message") { Self.said(second).contains("firing trap_link_down GigabitEthernet0/0/2") }
        #expect(!Self.said(first).contains { $0.contains("GigabitEthernet0/0/2") })
        await first.stop()
        await second.stop()
    }

    @Test func messagesPendingWhenTheDaemonIsKilledAreDeliveredAfterARestart() async throws {
        let receiver = WebhookReceiver()  // down until the daemon has been killed
        let lab = try Lab(receiver: receiver)
        defer { lab.remove() }
        let refused = try await lab.command(["alerts", "test-receiver", "city-noc"])
        #expect(refused.status == 1 && refused.out.contains("result    not delivered: connection refused"), "\(refused.out)")
        let first = try await lab.startDaemon()
        var killed = false
        defer {
            if !killed {
                kill(first, SIGKILL)
                _ = try? TestProcess.wait(first)
            }
        }
        for port in 1...3 { try await lab.trap(Self.linkDown(port)) }
        try await waitFor(
            "failed attempts in the outbox",
            diagnosis: {
                "\((try? lab.store().outbox(states: [.pending], limit: 10)) ?? [])\n"
                    + ((try? String(contentsOfFile: lab.log, encoding: .utf8)) ?? "")
            }
        ) {
            let pending = (try? lab.store().outbox(states: [.pending], limit: 10)) ?? []
            let traps = pending.flatMap(\.content.alerts).filter { $0.rule == "trap_link_down" }
            return traps.count == 3 && pending.min { $0.id < $1.id }.map { $0.attempts >= 1 } == true  // in order: the oldest is tried first
        }
        kill(first, SIGKILL)
        _ = try await TestProcess.finish(first)
        killed = true
        let pending = try lab.store().outbox(states: [.pending], limit: 10)
        try await receiver.start()
        let second = try await lab.startDaemon()
        defer {
            kill(second, SIGTERM)
            _ = try? TestProcess.wait(second)
        }
        try await waitFor(
            "the pending messages delivered",
            diagnosis: {
                "\(receiver.received.count) received\n" + String(((try? String(contentsOfFile: lab.log, encoding: .utf8)) ?? "").suffix(3000))
            }
        ) {
            let counts = try lab.store().outboxCounts()
            return counts[.pending] == nil && counts[.delivered] ?? 0 > 0
        }
        #expect(
            Set(Self.said(receiver)) == [
                "firing trap_link_down GigabitEthernet0/0/1", "firing trap_link_down GigabitEthernet0/0/2",
                "firing trap_link_down GigabitEthernet0/0/3",
            ])
        #expect(Self.said(receiver).count == 3, "each alert said once")
        #expect(Set(receiver.received.compactMap { $0.headers["webhook-id"] }) == Set(pending.map(\.webhookID)), "the ids stored before the kill")
        await receiver.stop()
    }

    @Test func aDeviceAnsweringADefaultCommunityIsACriticalSecurityAlertAndTheCLISaysSo() async throws {
        let posture = await TestAgents.posture()
        let receiver = WebhookReceiver()
        try await receiver.start()
        let lab = try Lab(receiver: receiver, posture: posture.port)
        defer { lab.remove() }
        let pid = try await lab.startDaemon()
        defer {
            kill(pid, SIGTERM)
            _ = try? TestProcess.wait(pid)
        }
        func sent(_ rule: String) -> [[String: Any]] {
            receiver.received.flatMap { ((($0.json["data"] as? [String: Any])?["alerts"]) as? [[String: Any]]) ?? [] }.filter {
                $0["rule"] as? String == rule
            }
        }
        // The daemon probes every device as it starts, and judges the posture rules at once.
        try await waitFor("the default-community alert", diagnosis: { (try? String(contentsOfFile: lab.log, encoding: .utf8)) ?? "" }) {
            !sent("snmp_default_community").isEmpty
        }
        let alert = try #require(sent("snmp_default_community").first)
        let labels = alert["labels"] as? [String: String] ?? [:]
        #expect(alert["status"] as? String == "firing" && alert["severity"] as? String == "critical")
        #expect(labels["category"] == "security" && labels["device"] == "open-sw" && labels["county"] == "xingqing")
        #expect(labels["check"] == "snmp-default-community" && labels["finding"] == "snmp-default-community:open-sw")
        let summary = alert["summary"] as? [String: String] ?? [:]
        #expect(
            summary["en"]?.hasPrefix(
                "Default SNMP community fails: open-sw target answers none of the 6 default communities, measured answers public (v1, v2c)") == true,
            "\(summary)")
        #expect(sent("snmp_default_community").count == 1, "v3-sw answers no community; lab-sw answers nothing at all")
        let firing = try lab.store().alerts(state: .firing, county: nil, limit: 20).filter { $0.labels["category"] == "security" }
        #expect(Set(firing.map(\.subject)) == ["snmp-default-community:open-sw", "snmp-v3-required:lab-sw"], "v3-sw is v3 at authPriv")
        let log = try String(contentsOfFile: lab.log, encoding: .utf8)
        #expect(log.contains("community probes") && !log.contains("edunet-test") && !log.contains("edunet-auth-pass"), "no secret logged")

        // The CLI: a probe now, and the report.
        var run = try await lab.command(["inventory", "apply", "--inventory", "inventory", "--policies", "policies"])
        #expect(run.status == 0, "\(run)")
        run = try await lab.command(["security", "probe", "--device", "open-sw"])
        #expect(run.status == 1 && run.out.contains("open-sw") && run.out.contains("answers public (v1, v2c)"), "\(run)")
        run = try await lab.command(["security", "probe", "--county", "xingqing", "--format", "json"])
        let probes = try #require(try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any])["probes"] as? [[String: Any]]
        #expect(run.status == 1 && probes?.map { $0["device"] as? String ?? "" }.sorted() == ["lab-sw", "open-sw", "v3-sw"])
        #expect(probes?.first { $0["device"] as? String == "v3-sw" }?["reachable"] as? Bool == true)
        #expect(probes?.first { $0["device"] as? String == "lab-sw" }?["reachable"] as? Bool == false)
        run = try await lab.command(["security", "probe", "--device", "v3-sw"])
        #expect(run.status == 0 && run.out.contains("none answered") && run.err.contains("0 of 1 devices answer a forbidden community"))
        run = try await lab.command(["security", "probe", "--device", "no-such-sw"])
        #expect(run.status == 1 && run.err.contains("no device with id `no-such-sw`"))
        run = try await lab.command(["report", "security", "--lang", "en"])
        #expect(run.status == 1 && run.out.hasPrefix("Security posture  ") && run.out.contains("answers public (v1, v2c)"), "\(run)")
        #expect(run.out.contains("\nSecurity posture\n") && !run.out.contains("Redundancy"), "the security rules and section only")

        // SNMPv3 notifications with no community at all: the inventory's v3 user, sent from v3-sw's address with an
        // engine ID the daemon was never told; then the same with a wrong key, dropped and counted.
        let v3 = "-v 3 -u u-posture -l authPriv -a SHA-256 -A edunet-auth-pass -x AES -X edunet-priv-pass -e 0x80001f8880c0ffee01"
        try await lab.trap(Self.linkDown(3), options: v3 + " --clientaddr=127.21.0.2")
        try await lab.trap(
            Self.linkDown(4), options: v3.replacingOccurrences(of: "-A edunet-auth-pass", with: "-A not-the-auth-pass") + " --clientaddr=127.21.0.2")
        try await waitFor("the v3 trap's alert") { !sent("trap_link_down").isEmpty }
        let linkDown = sent("trap_link_down").map { $0["labels"] as? [String: String] ?? [:] }
        #expect(linkDown.map { $0["device"] } == ["v3-sw"] && linkDown.first?["interface"] == "GigabitEthernet0/0/3", "\(linkDown)")
        _ = try await lab.metrics { $0.contains(#"edunet_snmp_traps_dropped{reason="usm"} 1"#) }

        // An authenticationFailure from open-sw within two minutes of the daemon's probe of it is the probe's doing;
        // one from an address that was not probed is an alert.
        try await lab.trap("'' 1.3.6.1.6.3.1.1.5.5", options: "-v 2c -c lab-traps --clientaddr=127.21.0.1")
        try await lab.trap("'' 1.3.6.1.6.3.1.1.5.5", options: "-v 2c -c lab-traps --clientaddr=127.0.0.9")
        try await waitFor("the unprobed address's authenticationFailure") { !sent("snmp_auth_failure").isEmpty }
        #expect(sent("snmp_auth_failure").map { ($0["labels"] as? [String: String])?["source"] } == ["127.0.0.9"])
    }
}
