import Foundation
import Model
import Store

/// Wireless access bandwidth: every AP of a school against the school tier's Wi-Fi access rate, by what its clients
/// are associated at (the median over the controller's client table) and its uplink speed, the lower where both are
/// reported; else by the highest rate its radio offers.
struct WirelessAccessRule: ComplianceRule {
    func findings(in context: ComplianceContext, linkFindings: [Finding]) -> [Finding] {
        context.inventory.schools.compactMap { school in context.tier(of: school).map { finding(school, tier: $0, context: context) } }
    }

    private func finding(_ school: School, tier: BandwidthPolicy.SchoolTier, context: ComplianceContext) -> Finding {
        let aps = Set(school.areas.flatMap(\.accessPoints)).sorted()
        let target = tier.wifiAccess
        let evidence = aps.compactMap { id -> (String, Double, String)? in
            guard let reading = context.accessPoints[id]?.reading else { return nil }
            let measured = [
                reading.clientRateMbps.map { ($0, Self.clientRate) }, reading.uplinkMbps.map { (Double($0), Self.uplinkSpeed) },
            ].compactMap { $0 }
            if let lowest = measured.min(by: { $0.0 < $1.0 }) { return (id, lowest.0 * 1e6, lowest.1) }
            if let rate = reading.maxRateMbps { return (id, rate * 1e6, Self.offeredRate) }
            return nil
        }
        let kinds = Set(evidence.map(\.2)).sorted()
        var finding = Finding(
            rule: .wirelessAccess, subject: context.subject(school), target: "≥ \(target) per AP", zh: "每台 AP ≥ \(target)",
            targetValue: Double(target.bitsPerSecond),
            source: kinds.isEmpty ? "none reported" : "AP " + kinds.joined(separator: " and ") + " from the controller")
        finding.evidence.samples = evidence.count
        guard let worst = evidence.min(by: { $0.1 < $1.1 }) else {
            finding.explain(
                "the controller reports neither AP uplink speeds, nor clients' association rates, nor rate sets",
                zh: "控制器既未报告 AP 上联速率，也未报告终端关联速率或速率集")
            return finding
        }
        finding.measured(
            "lowest \(Bandwidth(bitsPerSecond: UInt64(worst.1))) (\(worst.0) \(worst.2))",
            zh: "最低 \(Bandwidth(bitsPerSecond: UInt64(worst.1)))（\(worst.0) \(Self.chinese[worst.2] ?? worst.2)）")
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

    static let clientRate = "clients' median association rate"
    static let uplinkSpeed = "uplink speed"
    static let offeredRate = "highest offered rate"
    static let chinese = [clientRate: "终端关联速率中位数", uplinkSpeed: "上联速率", offeredRate: "最高可用速率"]
}
