import Foundation
import Model
import Testing

/// policies/alerting.yaml: the sample's settings, and clear errors for what a district engineer might get wrong.
@Suite("Alerting policy")
struct AlertingPolicyTests {
    static let receivers = """
        receivers:
          - {id: noc, name: 网络中心, kind: generic, url: "http://127.0.0.1:9099/noc", secret: {env: NOC_SECRET}}
          - {id: yn, name: 永宁, kind: dingtalk, url: "http://127.0.0.1:9099/robot/send?access_token=x", rate_per_minute: 10, language: en}
        routes:
          - {match: {county: yongning}, receiver: yn, group_by: [county]}
        default_receiver: noc

        """

    @Test func theSampleCitysSettingsAreRead() throws {
        let fixture = try InventoryFixture()
        defer { fixture.remove() }
        let policy = try fixture.load().policies.alerting
        #expect(policy.rules.unreachableWarningSeconds == 60 && policy.rules.unreachableCriticalSeconds == 240)
        #expect(policy.rules.redundantLinkDownSeverity == .warning && policy.rules.congestionMinutes == 15 && policy.rules.restartSeverity == .info)
        #expect(policy.flapping.changes == 4 && policy.flapping.withinMinutes == 30)
        #expect(
            policy.grouping.groupBy == ["county", "rule"] && policy.grouping.groupWaitSeconds == 30 && policy.grouping.repeatIntervalMinutes == 240)
        #expect(policy.delivery.maxAgeHours == 24)
        #expect(policy.receiver("yongning-it")?.effectiveRatePerMinute == 20, "DingTalk allows 20 messages a minute per robot")
        #expect(policy.route(["county": "yongning", "rule": "link_down", "severity": "critical"]).receiver == "yongning-it")
        #expect(policy.route(["county": "none", "severity": "critical"]).receiver == "city-alertmanager")
        #expect(policy.route(["severity": "warning"]).receiver == "city-noc")
    }

    @Test func receiversRoutesAndTimingAreReadWithTheirOptions() throws {
        let fixture = try InventoryFixture()
        defer { fixture.remove() }
        try fixture.writePolicy(
            "alerting.yaml",
            Self.receivers + """
                rules: {device_unreachable: {warning_after_seconds: 30, critical_after_seconds: 120}, link_congested: {for_minutes: 5}, security_event: {hold_minutes: 15}}
                grouping: {group_wait_seconds: 10, max_alerts: 20}
                delivery: {max_age_hours: 2}

                """)
        let policy = try fixture.load().policies.alerting
        #expect(policy.rules.unreachableWarningSeconds == 30 && policy.rules.unreachableCriticalSeconds == 120 && policy.rules.congestionMinutes == 5)
        #expect(policy.rules.securityEventHoldMinutes == 15 && AlertingPolicy.Rules().securityEventHoldMinutes == 60)
        #expect(policy.grouping.groupWaitSeconds == 10 && policy.grouping.maxAlerts == 20 && policy.grouping.groupIntervalSeconds == 300)
        #expect(policy.delivery.maxAgeHours == 2 && policy.delivery.initialBackoffSeconds == 5)
        #expect(policy.receiver("yn")?.effectiveRatePerMinute == 10 && policy.receiver("yn")?.english == true)
        let route = policy.route(["county": "yongning", "rule": "link_down"])
        #expect(route.receiver == "yn" && route.groupLabels == ["county": "yongning"])
    }

    @Test func mistakesAreNamedWithTheirPlace() throws {
        let fixture = try InventoryFixture()
        defer { fixture.remove() }
        try fixture.writePolicy(
            "alerting.yaml",
            """
            receivers:
              - {id: noc, name: 网络中心, kind: generic, url: "http://127.0.0.1:9099/noc"}
              - {id: yn, name: 永宁, kind: dingtalk, url: "http://127.0.0.1:9099/robot", secret: SECabc}
            default_receiver: noc
            rules: {device_unreachable: {warning_after_seconds: 300, critical_after_seconds: 60}, link_dwn: {severity: critical}}

            """)
        let messages = fixture.diagnostics().map { "\($0.location.map { "\($0.line):\($0.column)" } ?? "-") \($0.message)" }
        #expect(
            messages == [
                "2:5 receiver `noc` (generic) has no `secret`: generic webhooks are always signed",
                "3:84 `secret` holds a secret inline; secrets must never be written in YAML",
                "5:29 `critical_after_seconds` is shorter than `warning_after_seconds`",
                "5:87 unknown key `link_dwn` in `rules`; did you mean `link_down`?",
            ])
    }
}
