import Foundation
import Model
import Store

/// Turns a roster CSV (the students and teachers of schools by class) into roster entries to store: every problem
/// at once, national student numbers checked, ids never echoed unmasked in a message.
enum RosterImport {
    enum Field: String, CaseIterable, Sendable {
        case school, id, className, role, name
    }

    static let aliases: [Field: [String]] = [
        .school: ["school", "学校", "所属学校"],
        .id: ["id", "student id", "teacher id", "学籍号", "全国学籍号", "学号", "工号", "编号"],
        .className: ["class", "班级", "班级名称"],
        .role: ["role", "角色", "身份", "类别"],
        .name: ["name", "姓名"],
    ]

    static func plan(_ file: CSVFile, existing: [RosterEntry], version: Int64, schools: SchoolDirectory) throws(FleetError) -> FleetPlan {
        let columns = CSVColumns<Field>(header: file.header, aliases: aliases)
        var problems: [Diagnostic] = []
        func at(_ row: CSVFile.Row, _ field: Field) -> SourceLocation {
            SourceLocation(file: file.path, line: row.line, column: columns.column(field))
        }
        problems += columns.missing([Field.school, .id], in: file)
        guard problems.isEmpty else { throw TerminalImport.invalid(file, problems) }
        let stored = Dictionary(existing.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var seen: [PersonalID: Int] = [:]
        var entries: [RosterEntry] = []
        var unchanged = 0
        for row in file.rows {
            guard let idText = columns.value(.id, in: row) else {
                problems.append(
                    Diagnostic("row without an id", at: at(row, .id), help: "a student's national student number (学籍号) or a teacher's staff number"))
                continue
            }
            let id = PersonalID(idText.uppercased().hasPrefix("G") ? idText.uppercased() : idText)
            var role = HolderRole.student
            if let text = columns.value(.role, in: row) {
                switch text.lowercased() {
                case "student", "学生": role = .student
                case "teacher", "教师", "老师": role = .teacher
                default:
                    problems.append(Diagnostic("unknown role \"\(text)\"", at: at(row, .role), help: "student (学生) or teacher (教师)"))
                }
            }
            if role == .student, id.value.hasPrefix("G"), let problem = PersonalID.studentNumberProblem(id.value) {
                problems.append(
                    Diagnostic("\(id.masked): \(problem)", at: at(row, .id), help: "copy the number from the student status system (学籍系统)"))
            }
            if let first = seen[id] {
                problems.append(Diagnostic("\(id.masked) is also on row \(first)", at: at(row, .id), help: "a person is listed once"))
                continue
            }
            seen[id] = row.line
            let className = columns.value(.className, in: row) ?? ""
            if role == .student, className.isEmpty {
                problems.append(Diagnostic("student \(id.masked) has no class", at: at(row, .className), help: "give the class, e.g. 三年级2班"))
            }
            guard let schoolText = columns.value(.school, in: row) else {
                problems.append(Diagnostic("row without a school", at: at(row, .school), help: "name the school"))
                continue
            }
            guard let school = schools.id(of: schoolText) else {
                problems.append(
                    Diagnostic(
                        "unknown school \"\(schoolText)\"", at: at(row, .school),
                        help: schools.suggestion(for: schoolText).map { "did you mean \($0)?" } ?? "use a school id or name from the inventory"))
                continue
            }
            let entry = RosterEntry(school: school, id: id, className: className, role: role, name: columns.value(.name, in: row))
            if stored[id] == entry { unchanged += 1 } else { entries.append(entry) }
        }
        guard problems.isEmpty else { throw TerminalImport.invalid(file, problems) }
        var plan = FleetPlan(kind: "import-roster", changes: [], basedOn: version)
        plan.roster = entries
        plan.rosterUnchanged = unchanged
        return plan
    }
}
