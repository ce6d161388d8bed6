import Alerting
import Compliance
import Foundation
import Model
import Monitor
import SNMP
import Store

/// Turns what the daemon knows into the conditions that should be firing now, one function per source. Each is
/// pure over its inputs, so its rules are tested with exact inputs.
public enum AlertSources {
    /// Rules each level-triggered source owns (its alerts resolve when it stops reporting them).
    public static let reachabilityRules: Set<String> = ["device_unreachable"]
    public static let linkRules: Set<String> = ["link_down", "link_congested"]
    public static let accessPointRules: Set<String> = ["ap_down"]
    /// The rules of failing compliance findings: the posture checks have their own, so that a default community can be
    /// critical and routed to security staff.
    public static let complianceRules = Set(["compliance_fail"]).union(postureRules)
    public static let postureRules: Set<String> = ["snmp_default_community", "security_posture"]

    /// Devices that have not answered since `downSince`: a warning after the policy's first grace, critical after the
    /// second (NAV's 1 min / 4 min). An alert already `firing` (by device) stays, at no lower severity, while the
    /// device is still down: a restart of the daemon does not restart the grace.
    public static func unreachable(
        downSince: [String: Date], firing: [String: AlertSeverity] = [:], at now: Date, topology: AlertTopology,
        rules: AlertingPolicy.Rules
    ) -> [AlertSignal] {
        downSince.sorted { $0.key < $1.key }.compactMap { device, since in
            let elapsed = now.timeIntervalSince(since)
            guard elapsed >= rules.unreachableWarningSeconds || firing[device] != nil else { return nil }
            let measured: AlertSeverity = elapsed >= rules.unreachableCriticalSeconds ? .critical : .warning
            let severity = max(measured, firing[device] ?? .warning)
            let address = topology.device(device)?.management.map { " \($0.address)" } ?? ""
            let time = AlertWords.localTime(since)
            return AlertSignal(
                rule: "device_unreachable", subject: device, severity: severity, labels: topology.labels(device: device),
                summary: BilingualText(
                    zh: "\(topology.deviceName(device))\(address) 自 \(time) 起无 SNMP 响应",
                    en: "\(device)\(address) has not answered SNMP since \(time)"),
                parents: topology.parents(ofDevice: device))
        }
    }

    /// Planned links with an end operationally down, as the devices last reported. A link whose downstream side still
    /// has a working twin is the policy's redundant severity (redundancy lost), otherwise the link-down severity.
    public static func linksDown(interfaces: [String: [String: InterfaceStatus]], topology: AlertTopology, rules: AlertingPolicy.Rules)
        -> [AlertSignal]
    {
        func isDown(_ link: Link) -> LinkEnd? {
            [link.b, link.a].first { end in interfaces[end.device]?[end.interface].map { !$0.operUp } ?? false }
        }
        return topology.inventory.links.compactMap { link in
            guard let end = isDown(link) else { return nil }
            let twinsUp = topology.twins(of: link).filter { isDown($0) == nil }
            let redundant = !twinsUp.isEmpty
            let tier = link.tier.rawValue
            let zhTail = redundant ? "；冗余链路 \(twinsUp.map(\.id).joined(separator: "、")) 仍在工作，已失去冗余" : ""
            let enTail = redundant ? "; \(twinsUp.map(\.id).joined(separator: ", ")) still carries the traffic: redundancy lost" : ""
            return AlertSignal(
                rule: "link_down", subject: link.id, severity: redundant ? rules.redundantLinkDownSeverity : rules.linkDownSeverity,
                labels: topology.labels(link: link).merging(["redundancy": redundant ? "lost" : "none"]) { _, new in new },
                summary: BilingualText(
                    zh: "链路 \(link.id)（\(tier)）中断：\(topology.deviceName(end.device)) \(end.interface) 状态为 down" + zhTail,
                    en: "link \(link.id) (\(tier)) is down: \(end.device) \(end.interface) is operationally down" + enTail),
                parents: topology.parents(ofLink: link))
        }
    }

    /// Links above the congestion threshold in every interval of the last `congestionMinutes`, as `LinkUtilisation`
    /// reads them (`isCongestedThroughout`: at least two intervals, none unknown, reaching back over the whole span).
    /// The summary carries the span's p95 and coverage, the same numbers `edunet links list` gives for that window.
    public static func congested(
        store: MeasurementStore, interfaces: [String: [String: InterfaceStatus]], at now: Date, topology: AlertTopology,
        threshold: Double, rules: AlertingPolicy.Rules
    ) throws(StoreError) -> [AlertSignal] {
        let span = congestionSpan(at: now, rules: rules)
        let criteria = LinkUtilisation.Criteria(congestionThreshold: threshold)
        var signals: [AlertSignal] = []
        for link in topology.inventory.links {
            let utilisation = try LinkUtilisation.measure(
                link, from: span.from, to: span.to, store: store, interfaces: interfaces, criteria: criteria)
            if let signal = congestion(utilisation, topology: topology, rules: rules) { signals.append(signal) }
        }
        return signals
    }

    /// The span the congestion rule reads at `now`: (now − N minutes, now]. A rate is stamped with the end of its
    /// interval, so one stamped `now` is in it and one stamped at its start is not; the store reads `[from, to)`,
    /// hence the millisecond on both sides.
    public static func congestionSpan(at now: Date, rules: AlertingPolicy.Rules) -> (from: Date, to: Date) {
        (now.addingTimeInterval(-rules.congestionMinutes * 60 + 0.001), now.addingTimeInterval(0.001))
    }

    /// The `link_congested` signal for one link's utilisation over the span, when it was congested throughout.
    public static func congestion(_ utilisation: LinkUtilisation, topology: AlertTopology, rules: AlertingPolicy.Rules) -> AlertSignal? {
        guard utilisation.isCongestedThroughout else { return nil }
        let link = utilisation.link
        let percent = Int((utilisation.congestionThreshold * 100).rounded())
        let minutes = Int(rules.congestionMinutes.rounded())
        let p95 = RateText.percent(utilisation.p95Utilisation)
        let coverage = RateText.percent(utilisation.coverage)
        return AlertSignal(
            rule: "link_congested", subject: link.id, severity: rules.congestionSeverity, labels: topology.labels(link: link),
            summary: BilingualText(
                zh: "链路 \(link.id) 已连续 \(minutes) 分钟利用率高于 \(percent)%（p95 \(p95)，覆盖 \(coverage)）",
                en: "link \(link.id) has been above \(percent) % utilisation for \(minutes) min (p95 \(p95), coverage \(coverage))"),
            parents: [AlertFingerprint.of(rule: "link_down", subject: link.id)])
    }

    /// Access points of the inventory that their controller reported down at its last poll (an AP the controller does
    /// not report is not said to be down: the Wi-Fi coverage finding names those). Labelled with their school and
    /// areas, grouped per school by the policy, and children of their controller being unreachable.
    public static func accessPointsDown(_ register: AccessPointRegister, topology: AlertTopology, rules: AlertingPolicy.Rules) -> [AlertSignal] {
        register.entries.filter { $0.reading?.up == false }.map { entry in
            var labels = topology.labels(device: entry.id)
            if let controller = entry.controller { labels["controller"] = controller }
            if !entry.areas.isEmpty { labels["area"] = entry.areas.joined(separator: ",") }
            let school = entry.school.flatMap { id in topology.inventory.schools.first { $0.id == id } }
            let areas = entry.areas.map { $0.split(separator: ":", maxSplits: 1).last.map(String.init) ?? $0 }
            let zhWhere = (school.map { "\($0.name) " } ?? "") + (areas.isEmpty ? "" : areas.joined(separator: "、") + " ")
            let enWhere = (school.map { "\($0.nameEN) " } ?? "") + (areas.isEmpty ? "" : areas.joined(separator: ", ") + " ")
            let state = entry.reading?.state ?? "down"
            return AlertSignal(
                rule: "ap_down", subject: entry.id, severity: rules.accessPointDownSeverity, labels: labels,
                summary: BilingualText(
                    zh: "\(zhWhere)无线 AP \(topology.deviceName(entry.id)) 离线（控制器报告 \(state)）",
                    en: "\(enWhere)access point \(entry.id) is down (the controller reports \(state))"),
                parents: entry.controller.map { [AlertFingerprint.of(rule: "device_unreachable", subject: $0)] + topology.parents(ofDevice: $0) }
                    ?? [])
        }
    }

    /// Every compliance finding that fails.
    public static func complianceFailures(_ findings: [Finding], topology: AlertTopology, rules: AlertingPolicy.Rules) -> [AlertSignal] {
        findings.filter { $0.verdict == .fail }.map { finding in
            var labels = ["finding": finding.id, "check": finding.rule.rawValue]
            if let county = finding.subject.county { labels["county"] = county }
            if let school = finding.subject.school { labels["school"] = school }
            if finding.subject.kind == .link { labels["link"] = finding.subject.id }
            if finding.subject.kind == .device { labels["device"] = finding.subject.id }
            let (rule, severity) =
                switch finding.rule {
                case .snmpDefaultCommunity: ("snmp_default_community", rules.snmpDefaultCommunitySeverity)
                case .snmpV3Required, .unusedPorts: ("security_posture", rules.securityPostureSeverity)
                default: ("compliance_fail", rules.complianceSeverity)
                }
            if Finding.Rule.security.contains(finding.rule) { labels["category"] = "security" }
            let zhReason = finding.reason(english: false).map { "；\($0)" } ?? ""
            return AlertSignal(
                rule: rule, subject: finding.id, severity: severity, labels: labels,
                summary: BilingualText(
                    zh: "\(finding.rule.title.zh)不达标：\(finding.subjectLabel) 目标 \(finding.target(english: false))，"
                        + "实测 \(finding.measured(english: false) ?? "—")\(zhReason)",
                    en: "\(finding.rule.title.en) fails: \(finding.subjectLabel) target \(finding.target), measured \(finding.measured ?? "—")"
                        + (finding.reason.map { "; \($0)" } ?? "")))
        }
    }

    /// What a trap means for alerts.
    public enum TrapAction: Sendable, Hashable {
        /// Fire; resolve by itself after `hold` seconds when given.
        case raise(AlertSignal, hold: TimeInterval?)
        case resolve(fingerprint: String)
        /// Not one EduNet alerts on.
        case ignore
    }

    /// linkDown fires (per device and ifIndex) until the matching linkUp; coldStart/warmStart and authenticationFailure
    /// fire and resolve after the policy's hold. A trap from an address not in the inventory is labelled by address.
    public static func trap(_ trap: SNMPTrap, topology: AlertTopology, rules: AlertingPolicy.Rules) -> TrapAction {
        guard let generic = trap.generic else { return .ignore }
        let device = topology.device(atAddress: trap.source)
        let subject = device?.id ?? trap.source
        var labels = device.map { topology.labels(device: $0.id) } ?? ["device": trap.source]
        labels["source"] = trap.source
        let name = device.map { topology.deviceName($0.id) } ?? trap.source
        switch generic {
        case .linkDown, .linkUp:
            let port = trap.interfaceName ?? trap.ifIndex.map { "ifIndex \($0)" } ?? "?"
            let portSubject = "\(subject)/\(trap.ifIndex.map(String.init) ?? port)"
            if generic == .linkUp { return .resolve(fingerprint: AlertFingerprint.of(rule: "trap_link_down", subject: portSubject)) }
            labels["interface"] = port
            return .raise(
                AlertSignal(
                    rule: "trap_link_down", subject: portSubject, severity: rules.trapLinkDownSeverity, labels: labels,
                    summary: BilingualText(zh: "\(name) 发来 linkDown：端口 \(port) 断开", en: "\(subject) sent linkDown: port \(port) is down"),
                    parents: device.map { topology.parents(ofDevice: $0.id) } ?? []), hold: nil)
        case .coldStart, .warmStart:
            let kind = generic == .coldStart ? "coldStart" : "warmStart"
            return .raise(
                AlertSignal(
                    rule: "device_restarted", subject: subject, severity: rules.restartSeverity, labels: labels,
                    summary: BilingualText(zh: "\(name) 发来 \(kind)：设备已重启", en: "\(subject) sent \(kind): the device restarted")),
                hold: rules.restartHoldMinutes * 60)
        case .authenticationFailure:
            return .raise(
                AlertSignal(
                    rule: "snmp_auth_failure", subject: subject, severity: rules.authenticationFailureSeverity, labels: labels,
                    summary: BilingualText(
                        zh: "\(name) 报告 SNMP 认证失败：有人以错误的团体名或凭据访问",
                        en: "\(subject) reports an SNMP authentication failure: someone used a wrong community or credentials")),
                hold: rules.authenticationFailureHoldMinutes * 60)
        }
    }
}
