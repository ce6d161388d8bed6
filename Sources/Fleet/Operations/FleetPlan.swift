import Foundation
import Model
import Store

/// What an import or a term operation would do to the register, computed before anything is written: shown to a
/// person (`--dry-run`, or without `--apply`), then applied exactly as shown, in one transaction.
public struct FleetPlan: Sendable {
    /// `import-terminals`, `import-roster`, `assign`, `return`, `transfer`, `mark-lost`, `found`, `repair`, `retire`, `undo`.
    public var kind: String
    public var changes: [FleetStore.TerminalChange]
    public var roster: [RosterEntry] = []
    /// Rows or terminals that already match the register.
    public var unchanged = 0
    /// Roster entries that already match.
    public var rosterUnchanged = 0
    public var warnings: [Diagnostic] = []
    /// What the plan could not do, for the person to see (holders left without a terminal, terminals in repair).
    public var notes: [String] = []
    /// The register version the plan was made on; applying it on another is refused.
    public var basedOn: Int64
    public var undoing: String?

    public init(kind: String, changes: [FleetStore.TerminalChange], basedOn: Int64) {
        self.kind = kind
        self.changes = changes
        self.basedOn = basedOn
    }

    public var added: Int { changes.count { $0.before == nil } }
    public var removed: Int { changes.count { $0.after == nil } }
    public var changed: Int { changes.count { $0.before != nil && $0.after != nil } }
    public var isEmpty: Bool { changes.isEmpty && roster.isEmpty }
}

/// The inventory's schools, found by id, Chinese name or English name, with a did-you-mean for a misspelt one.
struct SchoolDirectory: Sendable {
    let schools: [String: School]
    private let byName: [String: String]

    init(_ inventory: Inventory) {
        schools = Dictionary(inventory.schools.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var names: [String: String] = [:]
        for school in inventory.schools {
            for name in [school.id, school.name, school.nameEN] { names[name.lowercased()] = school.id }
        }
        byName = names
    }

    func id(of text: String) -> String? { byName[text.lowercased()] }

    func suggestion(for text: String) -> String? {
        Suggestion.closest(to: text, among: byName.keys).flatMap { byName[$0] }.map { id in
            let school = schools[id]!
            return "\(school.id) (\(school.name))"
        }
    }
}
