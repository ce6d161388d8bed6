import Foundation

/// One write a plan proposes: on a device's interface, an object (by OID) from what it holds now to what the
/// inventory says it should hold.
public struct ProvisioningChange: Sendable, Hashable, Codable {
    public var device: String
    public var interface: String
    public var object: String
    public var current: String?
    public var new: String

    public init(device: String, interface: String, object: String, current: String?, new: String) {
        self.device = device
        self.interface = interface
        self.object = object
        self.current = current
        self.new = new
    }
}

/// A change a plan leaves out, and why (the device is never written to, or what it holds is not known).
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
        before = change.current
        after = change.new
        self.result = result
    }
}
