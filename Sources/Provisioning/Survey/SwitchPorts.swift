import Model
import SNMP

/// What a switch's own tables say about its ports, read live before a port is shut or moved: which interface each
/// bridge port is, the stations learned behind each (BRIDGE-MIB and Q-BRIDGE-MIB forwarding tables), the spanning-tree
/// root port (the uplink toward the rest of the network), the interfaces that carry the device's own addresses, each
/// port's untagged VLAN (PVID) and admin state. The polls do not read these; a plan that touches ports does.
public struct SwitchPorts: Sendable, Hashable {
    /// Where a station was learned: the forwarding-table entry (its OID, whose value is the bridge port).
    public struct Sighting: Sendable, Hashable {
        public var bridgePort: UInt32
        public var entry: String
    }

    /// dot1dBasePortIfIndex: bridge port → ifIndex.
    public var ifIndexOfBridgePort: [UInt32: UInt32] = [:]
    /// ifName (else ifDescr) by ifIndex.
    public var names: [UInt32: String] = [:]
    /// ifAdminStatus by ifIndex (1 up, 2 down, 3 testing).
    public var adminStatus: [UInt32: Int32] = [:]
    /// The learned stations: each MAC with where it was seen (a MAC may be in several VLANs' tables).
    public var sightings: [MACAddress: [Sighting]] = [:]
    /// How many stations each bridge port has behind it.
    public var stationsBehindBridgePort: [UInt32: Int] = [:]
    /// dot1dStpRootPort: the bridge port toward the spanning tree's root; nil when the switch is the root or runs no STP.
    public var rootBridgePort: UInt32?
    /// ipAdEntIfIndex: the interfaces that carry one of the device's own IPv4 addresses.
    public var addressInterfaces: [IPAddress: UInt32] = [:]
    /// dot1qPvid by bridge port.
    public var pvid: [UInt32: UInt32] = [:]

    public init() {}

    /// The ifIndex of a bridge port: dot1dBasePortIfIndex, else the same number (switches without the table number
    /// their bridge ports as their ports).
    public func ifIndex(ofBridgePort port: UInt32) -> UInt32 { ifIndexOfBridgePort[port] ?? port }

    /// The bridge port of an interface: the inverse of `ifIndex(ofBridgePort:)`.
    public func bridgePort(ofIfIndex index: UInt32) -> UInt32? {
        ifIndexOfBridgePort.first { $0.value == index }?.key ?? (ifIndexOfBridgePort.isEmpty ? index : nil)
    }

    /// The interface's name as the polls key it (ifName, else ifDescr, else its index).
    public func name(of index: UInt32) -> String { names[index] ?? "ifIndex \(index)" }
}

extension SwitchPorts {
    static let dot1dBasePortIfIndex: OID = "1.3.6.1.2.1.17.1.4.1.2"
    static let dot1dStpRootPort: OID = "1.3.6.1.2.1.17.2.7.0"
    static let dot1dTpFdbPort: OID = "1.3.6.1.2.1.17.4.3.1.2"
    static let dot1qTpFdbPort: OID = "1.3.6.1.2.1.17.7.1.2.2.1.2"
    public static let dot1qPvid: OID = "1.3.6.1.2.1.17.7.1.4.5.1.1"
    static let ipAdEntIfIndex: OID = "1.3.6.1.2.1.4.20.1.2"
    static let ifDescr: OID = "1.3.6.1.2.1.2.2.1.2"
    public static let ifAdminStatus: OID = "1.3.6.1.2.1.2.2.1.7"
    public static let ifOperStatus: OID = "1.3.6.1.2.1.2.2.1.8"
    static let ifName: OID = "1.3.6.1.2.1.31.1.1.1.1"

    /// Reads the tables from the agent at `target`: one side-by-side walk and one GET.
    public static func read(from target: SNMPTarget, engine: SNMPEngine) async throws(SNMPError) -> SwitchPorts {
        let roots = [dot1dBasePortIfIndex, dot1dTpFdbPort, dot1qTpFdbPort, dot1qPvid, ipAdEntIfIndex, ifDescr, ifAdminStatus, ifName]
        var ports = SwitchPorts()
        try await engine.walk(target, roots: roots) { root, varbinds in
            for varbind in varbinds { ports.take(varbind, under: roots[root]) }
        }
        if case .integer32(let root)? = try await engine.get(target, [dot1dStpRootPort]).first?.value, root > 0 {
            ports.rootBridgePort = UInt32(root)
        }
        for (_, list) in ports.sightings {
            for port in Set(list.map(\.bridgePort)) { ports.stationsBehindBridgePort[port, default: 0] += 1 }
        }
        return ports
    }

    /// Files one walked varbind under the table it came from.
    mutating func take(_ varbind: VarBind, under root: OID) {
        guard let index = varbind.oid.suffix(after: root)?.components, let number = varbind.value.unsignedNumber else {
            if root == Self.ifDescr || root == Self.ifName, let last = varbind.oid.lastComponent(under: root),
                case .octetString(let bytes) = varbind.value, !bytes.isEmpty
            {
                // ifName wins over ifDescr: it is walked after, and the polls key interfaces the same way.
                names[last] = String(decoding: bytes, as: UTF8.self)
            }
            return
        }
        switch root {
        case Self.dot1dBasePortIfIndex where index.count == 1: ifIndexOfBridgePort[index[0]] = number
        case Self.dot1dTpFdbPort where index.count == 6, Self.dot1qTpFdbPort where index.count == 7:
            // Bridge port 0 is the switch itself (or a station it could not place): never a port to act on.
            guard number > 0, let mac = MACAddress(octets: index.suffix(6)) else { return }
            sightings[mac, default: []].append(Sighting(bridgePort: number, entry: varbind.oid.description))
        case Self.dot1qPvid where index.count == 1: pvid[index[0]] = number
        case Self.ipAdEntIfIndex where index.count == 4:
            if let address = IPAddress(index.map(String.init).joined(separator: ".")) { addressInterfaces[address] = number }
        case Self.ifAdminStatus where index.count == 1: adminStatus[index[0]] = Int32(truncatingIfNeeded: number)
        default: break
        }
    }
}

extension SNMPValue {
    /// The value as an unsigned number when it is an integer type and not negative.
    fileprivate var unsignedNumber: UInt32? {
        switch self {
        case .integer32(let n): n >= 0 ? UInt32(n) : nil
        case .gauge32(let n), .counter32(let n), .timeTicks(let n): n
        default: nil
        }
    }
}
