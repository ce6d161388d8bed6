import Foundation
import Model
import Store

/// 等级保护 (默认口令): no device answers a vendor default community. Judged on each device's latest probe
/// (`CommunityProber`): a device that answered one fails, naming it; one never probed, probed too long ago, or silent
/// to its own credentials as well is unknown.
struct SNMPDefaultCommunityRule: ComplianceRule {
    func findings(in context: ComplianceContext, linkFindings: [Finding]) -> [Finding] {
        let communities = context.security.forbiddenCommunities
        guard !communities.isEmpty else { return [] }
        // A probe older than two of its intervals no longer says how the device is configured.
        let stale = 2 * context.posture.probeIntervalHours * 3600
        return context.managedDevices.map { device in
            var finding = Finding(
                rule: .snmpDefaultCommunity, subject: context.subject(device),
                target: "answers none of the \(communities.count) default communities",
                zh: "不响应 \(communities.count) 个默认团体名中的任何一个", targetValue: 0, source: "community probe (v1 and v2c GET sysObjectID.0)")
            guard let probe = context.probes[device.id] else {
                finding.explain("not probed yet", zh: "尚未探测")
                return finding
            }
            finding.evidence.samples = 1 + 2 * communities.count
            finding.evidence.source = "community probe at \(CityTime.minute(probe.time))"
            if context.to.timeIntervalSince(probe.time) > stale {
                finding.explain("the last probe, at \(CityTime.minute(probe.time)), is too old", zh: "最近一次探测（\(CityTime.minute(probe.time))）已过期")
                return finding
            }
            finding.measuredValue = Double(Set(probe.answers.map(\.community)).count)
            if !probe.answers.isEmpty {
                finding.verdict = .fail
                finding.measured("answers \(probe.answeredText)", zh: "响应 \(probe.answeredText)")
                finding.explain(
                    "a vendor default community gives anyone on the network read access; remove it from the device's SNMP configuration",
                    zh: "默认团体名使网内任何人都能读取设备信息，请在设备 SNMP 配置中删除")
            } else if !probe.reachable {
                finding.measuredValue = nil
                finding.explain(
                    "the device answered neither its own credentials nor a default community at \(CityTime.minute(probe.time))",
                    zh: "\(CityTime.minute(probe.time)) 探测时设备对自身凭据和默认团体名均无响应")
            } else {
                finding.verdict = .pass
                finding.measured("answers none", zh: "均无响应")
            }
            return finding
        }
    }
}
