import Foundation
import Model
import Store

/// Wireless access bandwidth: every AP of a school, by its uplink speed where the controller reports it, else its
/// highest association rate, against the school tier's Wi-Fi access rate.
struct WirelessAccessRule: ComplianceRule {
    func findings(in context: ComplianceContext, linkFindings: [Finding]) -> [Finding] {
        context.inventory.schools.compactMap { school in context.tier(of: school).map { finding(school, tier: $0, context: context) } }
    }

    private func finding(_ school: School, tier: BandwidthPolicy.SchoolTier, context: ComplianceContext) -> Finding {
        let aps = Set(school.areas.flatMap(\.accessPoints)).sorted()
        let target = tier.wifiAccess
        let evidence = aps.compactMap { id -> (String, Double, String)? in
            guard let reading = context.accessPoints[id]?.reading else { return nil }
            if let mbps = reading.uplinkMbps { return (id, Double(mbps) * 1e6, "uplink speed") }
            if let rate = reading.maxRateMbps { return (id, rate * 1e6, "association rate") }
            return nil
        }
        let kinds = Set(evidence.map(\.2)).sorted()
        var finding = Finding(
            rule: .wirelessAccess, subject: context.subject(school), target: "≥ \(target) per AP", zh: "每台 AP ≥ \(target)",
            targetValue: Double(target.bitsPerSecond),
            source: kinds.isEmpty ? "none reported" : "AP " + kinds.joined(separator: " and ") + " from the controller")
        finding.evidence.samples = evidence.count
        guard let worst = evidence.min(by: { $0.1 < $1.1 }) else {
            finding.explain("the controller reports neither AP uplink speeds nor association rates", zh: "控制器既未报告 AP 上联速率也未报告关联速率")
            return finding
        }
        finding.measured(
            "lowest \(Bandwidth(bitsPerSecond: UInt64(worst.1))) (\(worst.0) \(worst.2))",
            zh: "最低 \(Bandwidth(bitsPerSecond: UInt64(worst.1)))（\(worst.0) \(worst.2 == "uplink speed" ? "上联速率" : "关联速率")）")
        finding.measuredValue = worst.1
        let slow = evidence.filter { $0.1 < Double(target.bitsPerSecond) }
        finding.verdict = slow.isEmpty ? .pass : .fail
        if !slow.isEmpty {
            finding.explain(
                "\(slow.count) of \(evidence.count) APs under \(target): \(slow.map(\.0).joined(separator: ", "))",
                zh: "\(evidence.count) 台 AP 中有 \(slow.count) 台低于 \(target)：\(slow.map(\.0).joined(separator: "、"))")
        }
        return finding
    }
}
