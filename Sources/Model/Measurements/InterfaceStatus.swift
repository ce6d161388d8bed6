import Foundation

/// An interface as its device last reported it: identity, negotiated speed and state. The planned links are
/// checked against these (a link whose interface is not here is itself a finding).
public struct InterfaceStatus: Sendable, Hashable, Codable {
    /// `ifName`, else `ifDescr`: the key links name.
    public var name: String
    public var index: UInt32
    public var alias: String?
    /// `ifHighSpeed` (or `ifSpeed`) in bits per second; nil when the device reports 0 or nothing.
    public var speedBitsPerSecond: UInt64?
    /// `ifAdminStatus` up (true) or not (false); nil when the agent does not give it, which is not admin-down.
    public var adminUp: Bool?
    public var operUp: Bool
    /// Values the agent got wrong at the last poll.
    public var problems: [String]

    public init(
        name: String, index: UInt32, alias: String?, speedBitsPerSecond: UInt64?, adminUp: Bool?, operUp: Bool,
        problems: [String] = []
    ) {
        self.name = name
        self.index = index
        self.alias = alias
        self.speedBitsPerSecond = speedBitsPerSecond
        self.adminUp = adminUp
        self.operUp = operUp
        self.problems = problems
    }
}
