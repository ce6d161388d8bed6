import Foundation
import Model
import Store

/// Terminals in use: of a school's assigned terminals, the share Wi-Fi saw on at least `in_use.seen_days` of the last
/// `in_use.school_days` school days, against `in_use.minimum_share`. A terminal handed out and left in a drawer meets
/// the ratio on paper only.
struct TerminalUseRule: ComplianceRule {
    func findings(in context: ComplianceContext, linkFindings: [Finding]) -> [Finding] {
        let policy = context.fleetPolicy
        return context.inventory.schools.compactMap { school in
            guard let counts = context.fleet[school.id], counts.registered > 0 else { return nil }
            let share = RateText.percent(policy.inUseMinimumShare)
            var finding = Finding(
                rule: .terminalUse, subject: context.subject(school),
                target: "≥ \(share) of assigned seen on \(policy.inUseSeenDays) of \(policy.inUseSchoolDays) school days",
                zh: "已分配终端中 ≥ \(share) 在最近 \(policy.inUseSchoolDays) 个上学日中至少 \(policy.inUseSeenDays) 天在线",
                targetValue: policy.inUseMinimumShare, source: "client tables of the wireless controllers, matched to the register's MACs")
            finding.evidence.samples = counts.assigned
            guard counts.assigned > 0 else {
                finding.explain("no terminal is assigned", zh: "尚无已分配终端")
                return finding
            }
            guard counts.everSeen > 0 else {
                finding.explain(
                    "no terminal of this school was ever seen on Wi-Fi: its controller may not report clients (docs/devices.md)",
                    zh: "本校终端从未在无线网中出现：控制器可能不报告终端")
                return finding
            }
            guard counts.schoolDaysWatched >= policy.inUseSeenDays else {
                finding.explain(
                    "Wi-Fi has seen this school's terminals on \(counts.schoolDaysWatched) of the last \(policy.inUseSchoolDays) school days; "
                        + "a terminal is in use once seen on \(policy.inUseSeenDays), so the share is judged after \(policy.inUseSeenDays) school days of sightings",
                    zh: "最近 \(policy.inUseSchoolDays) 个上学日中仅 \(counts.schoolDaysWatched) 天见到本校终端；满 \(policy.inUseSeenDays) 天后判定")
                return finding
            }
            let used = Double(counts.inUse) / Double(counts.assigned)
            finding.measured(
                "\(counts.inUse) of \(counts.assigned) in use (\(RateText.percent(used)))",
                zh: "\(counts.assigned) 台中 \(counts.inUse) 台在用（\(RateText.percent(used))）")
            finding.measuredValue = used
            finding.verdict = used >= policy.inUseMinimumShare ? .pass : .fail
            if finding.verdict == .fail {
                finding.explain(
                    "\(counts.assigned - counts.inUse) assigned terminals were not seen enough: `edunet fleet list --school \(school.id) --not-seen 10d`",
                    zh: "\(counts.assigned - counts.inUse) 台已分配终端在线天数不足")
            }
            return finding
        }
    }
}
