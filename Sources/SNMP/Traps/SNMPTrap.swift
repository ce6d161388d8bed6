/// An SNMP notification as received: v1 traps are translated to their SNMPv2 trap OID (RFC 3584), so that
/// `linkDown` is the same whether a switch speaks v1 or v2c.
public struct SNMPTrap: Sendable, Hashable {
    /// The sender's IPv4 address.
    public var source: String
    /// 1 for v1, 2 for v2c.
    public var version: Int
    /// snmpTrapOID.0, or its v1 translation.
    public var trapOID: OID
    /// Whether it was an InformRequest (acknowledged to the sender).
    public var inform: Bool
    /// Every variable binding after sysUpTime.0 and snmpTrapOID.0 (v1: all of them).
    public var varbinds: [VarBind]

    public init(source: String, version: Int, trapOID: OID, inform: Bool = false, varbinds: [VarBind]) {
        self.source = source
        self.version = version
        self.trapOID = trapOID
        self.inform = inform
        self.varbinds = varbinds
    }

    /// The generic traps of RFC 3418 / RFC 2863.
    public enum Generic: Int, Sendable, CaseIterable {
        case coldStart = 1
        case warmStart, linkDown, linkUp, authenticationFailure

        /// snmpTraps (1.3.6.1.6.3.1.1.5) . n
        public var oid: OID { OID([1, 3, 6, 1, 6, 3, 1, 1, 5, UInt32(rawValue)]) }
    }

    public var generic: Generic? { Generic.allCases.first { $0.oid == trapOID } }

    /// ifIndex from a linkDown/linkUp trap's ifIndex varbind (1.3.6.1.2.1.2.2.1.1.N).
    public var ifIndex: Int? {
        let ifIndexColumn = OID([1, 3, 6, 1, 2, 1, 2, 2, 1, 1])
        guard let bind = varbinds.first(where: { ifIndexColumn.isPrefix(of: $0.oid) }) else { return nil }
        return bind.value.unsignedValue.map { Int($0) } ?? bind.oid.components.last.map { Int($0) }
    }

    /// ifName (1.3.6.1.2.1.31.1.1.1.1) or ifDescr (1.3.6.1.2.1.2.2.1.2), when the trap carries one.
    public var interfaceName: String? {
        let names = [OID([1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 1]), OID([1, 3, 6, 1, 2, 1, 2, 2, 1, 2])]
        for column in names {
            if let text = varbinds.first(where: { column.isPrefix(of: $0.oid) })?.value.text { return text }
        }
        return nil
    }
}
