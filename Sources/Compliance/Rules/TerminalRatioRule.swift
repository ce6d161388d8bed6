import Foundation
import Model
import Store

/// 电子书包: every school has a terminal assigned for each student and each teacher, as `fleet.yaml` sets the ratio,
/// reckoned on the inventory's planning figures (the rosters' counts are shown beside them where they differ).
struct TerminalRatioRule: ComplianceRule {
    func findings(in context: ComplianceContext, linkFindings: [Finding]) -> [Finding] {
        // A city that keeps no register in EduNet gets no fleet findings rather than an unknown for every school.
        guard context.fleet.values.contains(where: { $0.registered > 0 }) else { return [] }
        let imports = context.fleetImports.map { "\($0.id) (\(CityTime.minute($0.at)), \($0.by))" }
        let source =
            "the terminal register (edunet fleet\(imports.isEmpty ? "" : "; as of " + imports.joined(separator: " and "))) and the inventory's students and teachers"
        return context.inventory.schools.map { school in
            let counts = context.fleet[school.id] ?? FleetCounts()
            let required = counts.required(context.fleetPolicy)
            let target = Int(required.rounded(.up))
            var finding = Finding(
                rule: .terminalRatio, subject: context.subject(school), target: "≥ \(target) assigned", zh: "已分配 ≥ \(target) 台",
                targetValue: required, source: source)
            finding.evidence.samples = counts.registered
            guard counts.registered > 0 else {
                finding.explain(
                    "no terminals registered for this school: import them with `edunet fleet import terminals`",
                    zh: "本校未登记电子书包：用 edunet fleet import terminals 导入")
                return finding
            }
            let people = "\(counts.students) students, \(counts.teachers) teachers"
            var rosterNote = ""
            var rosterNoteZH = ""
            if counts.rosterStudents + counts.rosterTeachers > 0,
                counts.rosterStudents != counts.students || counts.rosterTeachers != counts.teachers
            {
                rosterNote = "; the roster has \(counts.rosterStudents) and \(counts.rosterTeachers)"
                rosterNoteZH = "；花名册为 \(counts.rosterStudents) 名学生、\(counts.rosterTeachers) 名教师"
            }
            let ratio = counts.ratio.map { String(format: "%.2f", $0) } ?? "—"
            finding.measured(
                "\(counts.assigned) assigned (\(ratio) per person; \(people)\(rosterNote)); \(counts.repair) in repair, \(counts.lost) lost, \(counts.inStock) in stock",
                zh:
                    "已分配 \(counts.assigned) 台（人均 \(ratio)；学生 \(counts.students)、教师 \(counts.teachers)\(rosterNoteZH)）；维修 \(counts.repair)，丢失 \(counts.lost)，在库 \(counts.inStock)"
            )
            finding.measuredValue = Double(counts.assigned)
            finding.verdict = Double(counts.assigned) >= required ? .pass : .fail
            if finding.verdict == .fail {
                let short = target - counts.assigned
                finding.explain(
                    "\(short) short of one terminal per student and teacher"
                        + (counts.inStock > 0 ? "; \(counts.inStock) are in stock to assign" : ""),
                    zh: "距人手一台差 \(short) 台" + (counts.inStock > 0 ? "；在库 \(counts.inStock) 台可分配" : ""))
            }
            return finding
        }
    }
}
