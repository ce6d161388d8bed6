import Foundation

/// An interface as its device last reported it: identity, negotiated speed, state and error counters. The
/// planned links are checked against these (a link whose interface is not here is itself a finding).
public struct InterfaceStatus: Sendable, Hashable, Codable {
    /// `ifName`, else `ifDescr`: the key links name.
    public var name: String
    public var index: UInt32
    public var alias: String?
    /// `ifHighSpeed` (or `ifSpeed`) in bits per second; nil when the device reports 0 or nothing.
    public var speedBitsPerSecond: UInt64?
    public var adminUp: Bool
    public var operUp: Bool
    public var inErrors: UInt32?
    public var outErrors: UInt32?
    public var inDiscards: UInt32?
    public var outDiscards: UInt32?
    /// Values the agent got wrong at the last poll.
    public var problems: [String]

    public init(name: String, index: UInt32, alias: String?, speedBitsPerSecond: UInt64?, adminUp: Bool, operUp: Bool,
                inErrors: UInt32? = nil, outErrors: UInt32? = nil, inDiscards: UInt32? = nil, outDiscards: UInt32? = nil,
                problems: [String] = []) {
        self.name = name
        self.index = index
        self.alias = alias
        self.speedBitsPerSecond = speedBitsPerSecond
        self.adminUp = adminUp
        self.operUp = operUp
        self.inErrors = inErrors
        self.outErrors = outErrors
        self.inDiscards = inDiscards
        self.outDiscards = outDiscards
        self.problems = problems
    }
}
