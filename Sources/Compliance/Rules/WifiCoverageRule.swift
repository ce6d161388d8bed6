import Foundation
import Model
import Store

/// Wi-Fi coverage: every area kind the school's tier requires has an access point that was up for the policy's
/// share of the window, as its controller reported it.
struct WifiCoverageRule: ComplianceRule {
    func findings(in context: ComplianceContext, linkFindings: [Finding]) -> [Finding] {
        let threshold = context.policy.wifiAPUptime ?? BandwidthPolicy.defaultWifiAPUptime
        return context.inventory.schools.flatMap { school -> [Finding] in
            guard let tier = context.tier(of: school) else { return [] }
            return tier.wifiAreas.map { kind in
                let aps = school.areas.filter { $0.kind == kind }.flatMap(\.accessPoints)
                var finding = Finding(
                    rule: .wifiCoverage, subject: .init(kind: .area, id: "\(school.id):\(kind.rawValue)", county: school.county, school: school.id),
                    target: "an AP up ≥ \(RateText.percent(threshold)) of the window",
                    zh: "至少一台 AP 在线时间 ≥ \(RateText.percent(threshold))", targetValue: threshold,
                    source: "AP states polled from the controllers")
                finding.verdict = .fail
                guard !aps.isEmpty else {
                    finding.explain("no \(kind.rawValue) area with an access point in the inventory", zh: "台账中没有带 AP 的\(kind.chinese)")
                    return finding
                }
                let reported = aps.compactMap { context.accessPoints[$0] }.filter { $0.upShare != nil }
                finding.evidence.samples = reported.count
                guard let best = reported.max(by: { ($0.upShare ?? 0) < ($1.upShare ?? 0) }), let share = best.upShare else {
                    finding.verdict = .unknown
                    finding.explain("the controller reports none of \(aps.joined(separator: ", "))", zh: "控制器未报告 \(aps.joined(separator: "、"))")
                    return finding
                }
                finding.measured("\(best.id) up \(RateText.percent(share))", zh: "\(best.id) 在线 \(RateText.percent(share))")
                finding.measuredValue = share
                finding.verdict = share >= threshold ? .pass : .fail
                if finding.verdict == .fail {
                    finding.explain(
                        "no \(kind.rawValue) AP up for \(RateText.percent(threshold)) of the window",
                        zh: "\(kind.chinese)没有 AP 在线达到 \(RateText.percent(threshold))")
                }
                return finding
            }
        }
    }
}
