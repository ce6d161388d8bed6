import Foundation
import Model
import Monitor
import Store

/// Delivered capacity: a link's p95 utilisation in each direction against the congestion threshold, as
/// `LinkUtilisation` defines it (the same numbers `edunet links list` and the `link_congested` alert read).
struct DeliveredCapacityRule: ComplianceRule {
    func findings(for link: Link, in context: ComplianceContext) throws(StoreError) -> [Finding] {
        let utilisation = try context.utilisation(of: link)
        return LinkUtilisation.Direction.allCases.map { direction in Self.finding(utilisation, direction: direction, subject: context.subject(link)) }
    }

    static func finding(_ utilisation: LinkUtilisation, direction: LinkUtilisation.Direction, subject: Finding.Subject) -> Finding {
        let figures = utilisation.figures(direction)
        let source =
            utilisation.measuredEnd.map { "\(direction.rawValue) \(utilisation.resolution.rawValue) at \($0.device) \($0.interface)" }
            ?? "\(direction.rawValue) \(utilisation.resolution.rawValue)"
        var finding = Finding(
            rule: .deliveredCapacity, subject: subject, direction: direction.rawValue,
            target: "p95 ≤ \(RateText.percent(utilisation.congestionThreshold))",
            zh: "p95 利用率 ≤ \(RateText.percent(utilisation.congestionThreshold))", targetValue: utilisation.congestionThreshold,
            source: source)
        finding.evidence.samples = figures.samples
        finding.evidence.coverage = utilisation.coverage
        if let p95 = figures.p95 { finding.measured = "p95 \(RateText.bitsPerSecond(p95))" }
        if let capacity = utilisation.capacity, let p95 = figures.p95, let share = figures.p95Utilisation {
            finding.capacityValue = capacity.bitsPerSecond
            finding.measured(
                "p95 \(RateText.bitsPerSecond(p95)) = \(RateText.percent(share)), peak \(RateText.bitsPerSecond(figures.peak))",
                zh: "p95 \(RateText.bitsPerSecond(p95)) = \(RateText.percent(share))，峰值 \(RateText.bitsPerSecond(figures.peak))")
            finding.measuredValue = share
        }
        guard let congested = utilisation.isCongested(direction) else {
            finding.reason = utilisation.unknownReason(direction)
            finding.zh.reason = utilisation.unknownReasonZH(direction)
            return finding
        }
        finding.verdict = congested ? .fail : .pass
        if congested, let capacity = utilisation.capacity {
            finding.explain(
                "congested \(direction.rawValue): p95 \(RateText.percent(figures.p95Utilisation)) of \(RateText.bitsPerSecond(capacity.bitsPerSecond))",
                zh:
                    "\(direction == .downstream ? "下行" : "上行")拥塞：p95 为 \(RateText.bitsPerSecond(capacity.bitsPerSecond)) 的 \(RateText.percent(figures.p95Utilisation))"
            )
        }
        return finding
    }
}
