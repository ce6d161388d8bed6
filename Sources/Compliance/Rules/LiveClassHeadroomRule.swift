import Foundation
import Model
import Monitor
import Store

/// 同步课堂 (live classes): on each of a school's uplinks, the downstream p95 plus the planned streams stays under the
/// congestion threshold. The worst uplink decides; an uplink whose p95 is unknown makes the verdict unknown.
struct LiveClassHeadroomRule: ComplianceRule {
    func findings(in context: ComplianceContext, linkFindings: [Finding]) -> [Finding] {
        guard let live = context.policy.liveClass else { return [] }
        let delivered = linkFindings.filter { $0.rule == .deliveredCapacity && $0.direction == LinkUtilisation.Direction.downstream.rawValue }
        let byLink = Dictionary(delivered.map { ($0.subject.id, $0) }, uniquingKeysWith: { a, _ in a })
        let threshold = context.policy.congestionThreshold
        return context.inventory.schools.compactMap { school -> Finding? in
            guard let streams = live.streams[school.kind], streams > 0 else { return nil }
            let planned = Double(streams) * Double(live.streamBitrate.bitsPerSecond)
            var finding = Finding(
                rule: .liveClassHeadroom, subject: context.subject(school), direction: LinkUtilisation.Direction.downstream.rawValue,
                target: "p95 + \(streams) × \(live.streamBitrate) ≤ \(RateText.percent(threshold))",
                zh: "p95 + \(streams) 路 × \(live.streamBitrate) ≤ \(RateText.percent(threshold))", targetValue: threshold,
                source: "downstream p95 of the school's uplinks")
            finding.id = "\(Finding.Rule.liveClassHeadroom.rawValue):\(school.id)"
            var worst: (link: String, utilisation: Double)?
            for uplink in context.uplinks(of: school) {
                guard let p95 = byLink[uplink.id], let utilisation = p95.measuredValue, let capacity = p95.capacityValue, capacity > 0,
                    p95.verdict != .unknown
                else {
                    finding.explain("the downstream p95 of \(uplink.id) is unknown", zh: "\(uplink.id) 的下行 p95 未知")
                    return finding
                }
                finding.evidence.samples += p95.evidence.samples
                let total = utilisation + planned / capacity
                if worst.map({ total > $0.utilisation }) ?? true { worst = (uplink.id, total) }
            }
            guard let worst else {
                finding.explain("no uplink planned", zh: "未规划上联链路")
                return finding
            }
            finding.measured(
                "\(RateText.percent(worst.utilisation)) on \(worst.link) with \(streams) streams",
                zh: "\(worst.link) 上加 \(streams) 路后为 \(RateText.percent(worst.utilisation))")
            finding.measuredValue = worst.utilisation
            finding.verdict = worst.utilisation > threshold ? .fail : .pass
            if finding.verdict == .fail {
                finding.explain(
                    "no room for \(streams) live-class streams of \(live.streamBitrate) on \(worst.link)",
                    zh: "\(worst.link) 容纳不下 \(streams) 路 \(live.streamBitrate) 的同步课堂")
            }
            return finding
        }
    }
}
