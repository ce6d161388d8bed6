import Foundation

/// How a change's values are written and read: the SNMP syntax of the object (ifAlias is text, ifAdminStatus an
/// integer, dot1qPvid an unsigned number), so that a plan stored as text is written with the type the agent expects.
public enum ProvisioningSyntax: String, Sendable, Hashable, Codable {
    case text, integer, unsigned
}

/// What must still hold on the device, besides the changed object's own value, for a change to be written: a port to
/// be shut because it is unused must still be operationally down when the plan is applied.
public struct ProvisioningCondition: Sendable, Hashable, Codable {
    public var object: String
    public var value: String
    /// What the condition means, for the refusal when it no longer holds ("the port is operationally down").
    public var meaning: String

    public init(object: String, value: String, meaning: String) {
        self.object = object
        self.value = value
        self.meaning = meaning
    }
}

/// One write a plan proposes: on a device's interface, an object (by OID) from what it holds now to what the
/// inventory says it should hold.
public struct ProvisioningChange: Sendable, Hashable, Codable {
    public var device: String
    public var interface: String
    public var object: String
    public var current: String?
    public var new: String
    public var syntax: ProvisioningSyntax
    public var condition: ProvisioningCondition?

    public init(
        device: String, interface: String, object: String, current: String?, new: String, syntax: ProvisioningSyntax = .text,
        condition: ProvisioningCondition? = nil
    ) {
        self.device = device
        self.interface = interface
        self.object = object
        self.current = current
        self.new = new
        self.syntax = syntax
        self.condition = condition
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        device = try c.decode(String.self, forKey: .device)
        interface = try c.decode(String.self, forKey: .interface)
        object = try c.decode(String.self, forKey: .object)
        current = try c.decodeIfPresent(String.self, forKey: .current)
        new = try c.decode(String.self, forKey: .new)
        // Plans stored before typed values existed were all ifAlias text.
        syntax = try c.decodeIfPresent(ProvisioningSyntax.self, forKey: .syntax) ?? .text
        condition = try c.decodeIfPresent(ProvisioningCondition.self, forKey: .condition)
    }

    /// The change that sets back what this one replaced.
    public var reversed: ProvisioningChange {
        ProvisioningChange(device: device, interface: interface, object: object, current: new, new: current ?? "", syntax: syntax)
    }
}

/// A change a plan leaves out, and why (the device is never written to, what it holds is not known, or the port is
/// one that is never touched).
public struct ProvisioningRefusal: Sendable, Hashable, Codable {
    public var device: String
    public var interface: String
    public var reason: String

    public init(device: String, interface: String, reason: String) {
        self.device = device
        self.interface = interface
        self.reason = reason
    }
}

/// One line of the provisioning audit log (等级保护: management actions are audited): who wrote what, when and why, on
/// which object, what it held before and after, and how it went. Append-only: an undo adds lines.
public struct ProvisioningAuditEntry: Sendable, Hashable, Codable {
    public var id: Int64?
    public var plan: String
    public var at: Date
    public var by: String
    public var why: String
    public var device: String
    public var interface: String
    public var object: String
    public var syntax: ProvisioningSyntax
    public var before: String?
    public var after: String
    /// `applied`, `refused: …` (nothing written) or `failed: …`.
    public var result: String

    public init(
        id: Int64? = nil, plan: String, at: Date, by: String, why: String, change: ProvisioningChange, result: String
    ) {
        self.id = id
        self.plan = plan
        self.at = at
        self.by = by
        self.why = why
        device = change.device
        interface = change.interface
        object = change.object
        syntax = change.syntax
        before = change.current
        after = change.new
        self.result = result
    }

    /// The change this line recorded.
    public var change: ProvisioningChange {
        ProvisioningChange(device: device, interface: interface, object: object, current: before, new: after, syntax: syntax)
    }
}

/// A time by which the daemon acts on an applied plan unless someone does first: a plan applied on probation
/// (`--confirm-within`) is set back unless confirmed, and a quarantine is released when its period ends.
public struct ProvisioningDeadline: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// Set back at `due` unless `edunet provision confirm` comes first.
        case probation
        /// Released (set back) at `due`, the end of the quarantine period.
        case quarantine
    }

    public var plan: String
    public var kind: Kind
    public var due: Date
    /// When it was settled (confirmed, released, set back, or undone by hand), and how; nil while it is pending.
    public var settledAt: Date?
    public var settled: String?

    public init(plan: String, kind: Kind, due: Date, settledAt: Date? = nil, settled: String? = nil) {
        self.plan = plan
        self.kind = kind
        self.due = due
        self.settledAt = settledAt
        self.settled = settled
    }
}

/// A plan as it was made and stored: what `apply PLAN-ID` writes, and what the API lists.
public struct ProvisioningPlan: Sendable, Hashable, Codable {
    public var id: String
    /// `alias`, `unused-ports` or `quarantine`.
    public var kind: String
    public var createdAt: Date
    public var changes: [ProvisioningChange]

    public init(id: String, kind: String, createdAt: Date, changes: [ProvisioningChange]) {
        self.id = id
        self.kind = kind
        self.createdAt = createdAt
        self.changes = changes
    }
}
