import Foundation

/// Where an e-book terminal is in its life. Only the transitions in `allowed` happen: a terminal in repair is not
/// handed to a student before it is back, a lost one is found before anything else, a retired one stays retired.
public enum TerminalState: String, Sendable, Hashable, Codable, CaseIterable {
    case inStock = "in-stock"
    case assigned
    case repair
    case lost
    case found
    case retired

    /// The states a terminal in this state may move to.
    public var allowed: [TerminalState] {
        switch self {
        case .inStock: [.assigned, .repair, .lost, .retired]
        case .assigned: [.inStock, .repair, .lost, .retired]
        case .repair: [.assigned, .inStock, .retired]
        case .lost: [.found, .retired]
        case .found: [.assigned, .inStock, .repair, .retired]
        case .retired: []
        }
    }

    public func canMove(to next: TerminalState) -> Bool { allowed.contains(next) }

    /// `在库`, `已分配`, …
    public var chinese: String {
        switch self {
        case .inStock: "在库"
        case .assigned: "已分配"
        case .repair: "维修"
        case .lost: "丢失"
        case .found: "已找回"
        case .retired: "报废"
        }
    }
}

/// Whether a holder studies or teaches: the plan counts one terminal per student and one per teacher.
public enum HolderRole: String, Sendable, Hashable, Codable, CaseIterable {
    case student
    case teacher
}

/// One student or teacher of a school's roster. The name is optional and personal: it is never logged, never in an
/// alert, and listed only on request.
public struct RosterEntry: Sendable, Hashable, Codable {
    public var school: String
    public var id: PersonalID
    /// The class (`三年级2班`); teachers may have none.
    public var className: String
    public var role: HolderRole
    public var name: String?

    public init(school: String, id: PersonalID, className: String, role: HolderRole, name: String? = nil) {
        self.school = school
        self.id = id
        self.className = className
        self.role = role
        self.name = name
    }
}

/// An e-book terminal (电子书包) of the register: what it is, where it belongs, who holds it and where the network
/// last saw it.
public struct Terminal: Sendable, Hashable, Codable {
    public var serial: String
    /// Its Wi-Fi hardware addresses (a terminal may have more than one radio); how the network recognises it.
    public var macs: [MACAddress]
    public var model: String?
    public var osVersion: String?
    public var batch: String?
    /// `yyyy-MM-dd`, as purchase records give them.
    public var purchased: String?
    public var warrantyEnd: String?
    public var school: String
    public var state: TerminalState
    /// The holder while assigned (and kept while in repair, so that it goes back to the same person).
    public var holder: PersonalID?
    public var lastSeen: Sighting?

    public init(
        serial: String, macs: [MACAddress], model: String? = nil, osVersion: String? = nil, batch: String? = nil, purchased: String? = nil,
        warrantyEnd: String? = nil, school: String, state: TerminalState = .inStock, holder: PersonalID? = nil, lastSeen: Sighting? = nil
    ) {
        self.serial = serial
        self.macs = macs
        self.model = model
        self.osVersion = osVersion
        self.batch = batch
        self.purchased = purchased
        self.warrantyEnd = warrantyEnd
        self.school = school
        self.state = state
        self.holder = holder
        self.lastSeen = lastSeen
    }

    /// Where and when the network last saw a terminal: the controller, the access point by the controller's name for
    /// it, and the SSID.
    public struct Sighting: Sendable, Hashable, Codable {
        public var at: Date
        public var controller: String
        public var accessPoint: String?
        public var ssid: String?

        public init(at: Date, controller: String, accessPoint: String?, ssid: String?) {
            self.at = at
            self.controller = controller
            self.accessPoint = accessPoint
            self.ssid = ssid
        }
    }

    /// The register's own fields, without the network's sighting: what an import or an operation compares and sets.
    public var registerFields: Terminal {
        var copy = self
        copy.lastSeen = nil
        return copy
    }
}

/// One row of a terminal's history: what changed, when, by whom and why. Rows are only ever appended.
public struct TerminalHistoryEntry: Sendable, Hashable, Codable {
    public var serial: String
    public var at: Date
    public var by: String
    public var why: String
    /// The bulk operation or import the change belongs to.
    public var operation: String?
    /// Nil when the change added the terminal.
    public var before: Terminal?
    /// Nil when the change removed it (an import undone).
    public var after: Terminal?

    public init(serial: String, at: Date, by: String, why: String, operation: String?, before: Terminal?, after: Terminal?) {
        self.serial = serial
        self.at = at
        self.by = by
        self.why = why
        self.operation = operation
        self.before = before
        self.after = after
    }
}

/// A change to the register made at once (an import, a bulk assign or return, one terminal's move), with its id so
/// that it can be undone.
public struct FleetOperation: Sendable, Hashable, Codable {
    public var id: String
    public var kind: String
    public var at: Date
    public var by: String
    public var why: String
    public var terminals: Int
    public var undoneBy: String?

    public init(id: String, kind: String, at: Date, by: String, why: String, terminals: Int, undoneBy: String? = nil) {
        self.id = id
        self.kind = kind
        self.at = at
        self.by = by
        self.why = why
        self.terminals = terminals
        self.undoneBy = undoneBy
    }
}
