import Foundation
import Model
import Store

/// Redundancy (双归): county nodes have two uplinks to two distinct city cores, dual-homed schools two uplinks;
/// every one of them up, as its interfaces last reported.
struct RedundancyRule: ComplianceRule {
    func findings(in context: ComplianceContext, linkFindings: [Finding]) -> [Finding] {
        var findings: [Finding] = []
        for node in context.inventory.nodes where node.kind == .countyAggregation {
            let devices = Set(context.inventory.devices.filter { $0.node == node.id }.map(\.id))
            let uplinks = context.inventory.links.filter { $0.tier == .cityCounty && devices.contains($0.b.device) }
            findings.append(
                finding(
                    subject: .init(kind: .node, id: node.id, county: node.county, school: nil), uplinks: uplinks,
                    distinctUpstream: true, context: context))
        }
        for school in context.inventory.schools where context.tier(of: school)?.dualHomed == true {
            findings.append(
                finding(subject: context.subject(school), uplinks: context.uplinks(of: school), distinctUpstream: false, context: context))
        }
        return findings
    }

    private func finding(subject: Finding.Subject, uplinks: [Link], distinctUpstream: Bool, context: ComplianceContext) -> Finding {
        let upstream = Set(uplinks.map(\.a.device)).sorted()
        var finding = Finding(
            rule: .redundancy, subject: subject,
            target: distinctUpstream ? "2 uplinks to 2 upstream nodes, both up" : "2 uplinks, both up",
            zh: distinctUpstream ? "两条上联至两个不同上级节点，均正常" : "两条上联，均正常", targetValue: 2,
            source: "planned links and their interfaces' state")
        finding.measured(
            "\(uplinks.count) uplink\(uplinks.count == 1 ? "" : "s")\(upstream.isEmpty ? "" : " to " + upstream.joined(separator: ", "))",
            zh: "\(uplinks.count) 条上联\(upstream.isEmpty ? "" : "至 " + upstream.joined(separator: "、"))")
        finding.measuredValue = Double(uplinks.count)
        finding.verdict = .fail
        if uplinks.count < 2 {
            if uplinks.isEmpty {
                finding.explain("no uplink planned", zh: "未规划上联链路")
            } else {
                finding.explain("single-homed: only \(uplinks[0].id)", zh: "单归：仅有 \(uplinks[0].id)")
            }
            return finding
        }
        if distinctUpstream, upstream.count < 2 {
            finding.explain(
                "every uplink goes to \(upstream.first ?? "?"): one node's failure cuts it off",
                zh: "所有上联都接到 \(upstream.first ?? "?")：一个节点故障即断网")
            return finding
        }
        var unknown: [String] = []
        for link in uplinks {
            guard let state = context.interfaces(of: link.b.device)?[link.b.interface] ?? context.interfaces(of: link.a.device)?[link.a.interface]
            else {
                unknown.append(link.id)
                continue
            }
            finding.evidence.samples += 1
            if !state.operUp {
                finding.explain("uplink \(link.id) is down", zh: "上联 \(link.id) 中断")
                return finding
            }
        }
        if !unknown.isEmpty {
            finding.verdict = .unknown
            finding.explain(
                "no interface state for \(unknown.joined(separator: ", ")) (not polled)",
                zh: "\(unknown.joined(separator: "、")) 无接口状态（未采集）")
            return finding
        }
        finding.verdict = .pass
        return finding
    }
}
