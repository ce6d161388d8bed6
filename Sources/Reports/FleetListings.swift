import Foundation
import Model

/// The CLI's listings of the e-book terminal register: terminals, a plan, a terminal's history, rosters and
/// operations. Holders' ids are masked unless `reveal`; names are never listed with terminals.
public enum FleetListings {
    /// One terminal as listed: its register fields, its holder's class, and where the network last saw it.
    public struct TerminalRow: Sendable, Encodable {
        public var serial: String
        public var school: String
        public var state: TerminalState
        public var holder: String?
        public var className: String?
        public var model: String?
        public var osVersion: String?
        public var macs: [MACAddress]
        public var batch: String?
        public var purchased: String?
        public var warrantyEnd: String?
        public var lastSeenAt: Date?
        public var lastSeenAccessPoint: String?
        public var lastSeenSchool: String?
        public var lastSeenArea: String?
        public var lastSeenSSID: String?
    }

    public static func row(_ terminal: Terminal, classOf: [PersonalID: String], places: [String: AccessPointPlace], reveal: Bool) -> TerminalRow {
        let place = terminal.lastSeen?.accessPoint.flatMap { places[$0.lowercased()] }
        return TerminalRow(
            serial: terminal.serial, school: terminal.school, state: terminal.state, holder: terminal.holder?.text(reveal: reveal),
            className: terminal.holder.flatMap { classOf[$0] }, model: terminal.model, osVersion: terminal.osVersion, macs: terminal.macs,
            batch: terminal.batch, purchased: terminal.purchased, warrantyEnd: terminal.warrantyEnd, lastSeenAt: terminal.lastSeen?.at,
            lastSeenAccessPoint: place?.accessPoint ?? terminal.lastSeen?.accessPoint, lastSeenSchool: place?.school,
            lastSeenArea: place?.areas.first, lastSeenSSID: terminal.lastSeen?.ssid)
    }

    public static func terminals(_ rows: [TerminalRow]) -> Listing {
        Listing(
            columns: [
                .init("序列号 Serial", key: "serial"), .init("学校 School", key: "school"), .init("状态 State", key: "state"),
                .init("持有人 Holder", key: "holder"), .init("班级 Class", key: "class"), .init("型号 Model", key: "model"),
                .init("MAC", key: "macs"), .init("最近在线 Last seen", key: "last_seen_at"), .init("AP", key: "last_seen_ap"),
                .init("区域 Area", key: "last_seen_area"),
            ],
            rows: rows.map { r in
                [
                    r.serial, r.school, "\(r.state.rawValue) \(r.state.chinese)", r.holder ?? "", r.className ?? "", r.model ?? "",
                    r.macs.map(\.description).joined(separator: " "), r.lastSeenAt.map(CityTime.minute) ?? "never 从未",
                    r.lastSeenAccessPoint ?? "", [r.lastSeenSchool, r.lastSeenArea].compactMap { $0 }.joined(separator: " "),
                ]
            }, json: { try JSONDocument.encode(schema: "edunet.fleet.terminals/v1", key: "terminals", rows) })
    }

    /// A plan: one line per terminal it changes, what it was and what it becomes.
    public static func plan(_ plan: [(serial: String, before: Terminal?, after: Terminal?)], reveal: Bool) -> Listing {
        struct Change: Encodable {
            var serial: String
            var before: String?
            var after: String?
        }
        let changes = plan.map { Change(serial: $0.serial, before: describe($0.before, reveal: reveal), after: describe($0.after, reveal: reveal)) }
        return Listing(
            columns: [.init("序列号 Serial", key: "serial"), .init("现在 Now", key: "before"), .init("之后 After", key: "after")],
            rows: changes.map { [$0.serial, $0.before ?? "(new 新增)", $0.after ?? "(removed 删除)"] },
            json: { try JSONDocument.encode(schema: "edunet.fleet.plan/v1", key: "changes", changes) })
    }

    public static func history(_ entries: [TerminalHistoryEntry], reveal: Bool) -> Listing {
        struct Row: Encodable {
            var at: Date
            var operation: String?
            var by: String
            var why: String
            var before: String
            var after: String
        }
        let rows = entries.map {
            Row(
                at: $0.at, operation: $0.operation, by: $0.by, why: $0.why, before: describe($0.before, reveal: reveal) ?? "—",
                after: describe($0.after, reveal: reveal) ?? "—")
        }
        return Listing(
            columns: [
                .init("时间 When", key: "at"), .init("操作 Operation", key: "operation"), .init("人 By", key: "by"),
                .init("原因 Why", key: "why"), .init("之前 Before", key: "before"), .init("之后 After", key: "after"),
            ],
            rows: rows.map { [CityTime.minute($0.at), $0.operation ?? "", $0.by, $0.why, $0.before, $0.after] },
            json: { try JSONDocument.encode(schema: "edunet.fleet.history/v1", key: "history", rows) })
    }

    public static func roster(_ entries: [RosterEntry], reveal: Bool) -> Listing {
        struct Row: Encodable {
            var school: String
            var id: String
            var className: String
            var role: HolderRole
            var name: String?
        }
        // A name is personal data: shown whole only with --reveal, else as its first character and stars.
        let rows = entries.map { e in
            Row(school: e.school, id: e.id.text(reveal: reveal), className: e.className, role: e.role, name: reveal ? e.name : e.name.map(maskName))
        }
        return Listing(
            columns: [
                .init("学校 School", key: "school"), .init("编号 ID", key: "id"), .init("班级 Class", key: "class"),
                .init("角色 Role", key: "role"), .init("姓名 Name", key: "name"),
            ],
            rows: rows.map { [$0.school, $0.id, $0.className, $0.role.rawValue, $0.name ?? ""] },
            json: { try JSONDocument.encode(schema: "edunet.fleet.roster/v1", key: "roster", rows) })
    }

    public static func operations(_ operations: [FleetOperation]) -> Listing {
        Listing(
            columns: [
                .init("操作 Operation", key: "id"), .init("时间 When", key: "at"), .init("人 By", key: "by"), .init("原因 Why", key: "why"),
                .init("终端 Terminals", key: "terminals", numeric: true), .init("撤销 Undone by", key: "undone_by"),
            ],
            rows: operations.map { [$0.id, CityTime.minute($0.at), $0.by, $0.why, String($0.terminals), $0.undoneBy ?? ""] },
            json: { try JSONDocument.encode(schema: "edunet.fleet.operations/v1", key: "operations", operations) })
    }

    /// `assigned xingqing-primary-01 G640***********12X`: a terminal's state, school and holder in one line.
    static func describe(_ terminal: Terminal?, reveal: Bool) -> String? {
        terminal.map { t in ([t.state.rawValue, t.school] + (t.holder.map { [$0.text(reveal: reveal)] } ?? [])).joined(separator: " ") }
    }

    /// `张*`, `欧阳**`: the first character and a star for each of the rest.
    static func maskName(_ name: String) -> String {
        guard let first = name.first else { return "" }
        return String(first) + String(repeating: "*", count: max(1, name.count - 1))
    }
}
