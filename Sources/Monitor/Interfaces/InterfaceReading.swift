import Foundation
import Model
import SNMP

/// One interface as one poll saw it: identity, speed, status and the counters behind its rates.
public struct InterfaceReading: Sendable, Hashable {
    /// The key that survives re-indexing after a reboot: `ifName`, else `ifDescr`; `NAME #IFINDEX` for a name an
    /// interface of lower ifIndex already has.
    public var key: String
    public var index: UInt32
    public var alias: String?
    /// `ifHighSpeed` in bits per second when the device has ifXTable, else `ifSpeed`.
    public var speedBitsPerSecond: UInt64?
    /// nil when the agent has no ifAdminStatus for it.
    public var adminUp: Bool?
    public var operUp: Bool
    public var inErrors: UInt32?
    public var outErrors: UInt32?
    public var inDiscards: UInt32?
    public var outDiscards: UInt32?
    public var sample: InterfaceSample
    /// Values the agent got wrong (a counter of the wrong type, a speed of 0 on an up interface).
    public var problems: [String] = []

    /// What is kept of the reading once the poll is over.
    public var status: InterfaceStatus {
        InterfaceStatus(
            name: key, index: index, alias: alias, speedBitsPerSecond: speedBitsPerSecond, adminUp: adminUp, operUp: operUp,
            problems: problems)
    }
}

/// Every interface of one device in one poll.
public struct InterfacePoll: Sendable, Hashable {
    public var time: Date
    public var sysUpTime: UInt32
    /// sysDescr, sysObjectID and sysName as the device gave them.
    public var system: SystemDescription
    /// How many varbinds the poll read.
    public var varbinds: Int
    public var interfaces: [InterfaceReading]

    /// Readings by key (unique: the poller keys a repeated name `NAME #IFINDEX`).
    public var byKey: [String: InterfaceReading] {
        Dictionary(interfaces.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
    }
}

/// The SNMPv2-MIB system group's identity objects.
public struct SystemDescription: Sendable, Hashable {
    public var description: String?
    public var objectID: OID?
    public var name: String?
}
