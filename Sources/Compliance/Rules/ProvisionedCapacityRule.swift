import Foundation
import Model
import Store

/// Provisioned capacity and campus backbone: the speed a planned link's interface negotiated (`ifHighSpeed`)
/// against its tier's minimum (backbone and access links) or its school tier's backbone speed (campus backbones).
struct ProvisionedCapacityRule: ComplianceRule {
    func findings(for link: Link, in context: ComplianceContext) throws(StoreError) -> [Finding] {
        if link.tier == .campusBackbone {
            guard let tier = context.tier(ofDevice: link.b.device) ?? context.tier(ofDevice: link.a.device) else { return [] }
            return [capacity(link, rule: .campusBackbone, minimum: tier.campusBackbone, context: context)]
        }
        guard let target = context.policy.target(for: link.tier) else { return [] }
        return [capacity(link, rule: .provisionedCapacity, minimum: target.minimum, context: context)]
    }

    private func capacity(_ link: Link, rule: Finding.Rule, minimum: Bandwidth, context: ComplianceContext) -> Finding {
        var finding = Finding(
            rule: rule, subject: context.subject(link), target: "≥ \(minimum)", targetValue: Double(minimum.bitsPerSecond),
            source: "ifHighSpeed")
        var missing: [LinkEnd] = []
        for end in [link.b, link.a] {
            guard let interfaces = context.interfaces(of: end.device) else { continue }
            guard let status = interfaces[end.interface] else {
                missing.append(end)
                continue
            }
            finding.evidence = .init(samples: 1, coverage: nil, source: "ifHighSpeed of \(end.device) \(end.interface)")
            guard let speed = status.speedBitsPerSecond else {
                finding.explain("\(end.device) \(end.interface) reports no speed", zh: "\(end.device) \(end.interface) 未报告速率")
                return finding
            }
            finding.measured = Bandwidth(bitsPerSecond: speed).description
            finding.measuredValue = Double(speed)
            finding.verdict = speed >= minimum.bitsPerSecond ? .pass : .fail
            if finding.verdict == .fail {
                finding.explain(
                    "negotiated \(Bandwidth(bitsPerSecond: speed)), the plan asks at least \(minimum)",
                    zh: "协商速率 \(Bandwidth(bitsPerSecond: speed))，规划要求至少 \(minimum)")
            }
            return finding
        }
        if let end = missing.first {
            finding.verdict = .fail
            finding.explain(
                "the planned interface \(end.interface) is not on \(end.device): the plan and the network disagree",
                zh: "\(end.device) 上没有规划的接口 \(end.interface)：规划与网络不一致")
        } else {
            finding.explain("neither \(link.b.device) nor \(link.a.device) has been polled", zh: "\(link.b.device) 与 \(link.a.device) 均未采集")
        }
        return finding
    }
}
