/// A value as an agent returned it, with its SNMP type kept (a Counter32 is not a Gauge32).
public enum SNMPValue: Sendable, Hashable {
    case integer32(Int32)
    case octetString([UInt8])
    case null
    case objectIdentifier(OID)
    case ipAddress([UInt8])
    case counter32(UInt32)
    case gauge32(UInt32)
    case timeTicks(UInt32)
    case opaque([UInt8])
    case counter64(UInt64)
    /// The agent has no such object (v2c/v3 exception).
    case noSuchObject
    /// The object exists but not this instance (v2c/v3 exception).
    case noSuchInstance
    /// A walk ran past the last object the agent has (v2c/v3 exception).
    case endOfMibView

    /// The SMI type name: `Integer32`, `OctetString`, `Counter64`, … as shown in JSON output.
    public var typeName: String {
        switch self {
        case .integer32: "Integer32"
        case .octetString: "OctetString"
        case .null: "Null"
        case .objectIdentifier: "ObjectIdentifier"
        case .ipAddress: "IpAddress"
        case .counter32: "Counter32"
        case .gauge32: "Gauge32"
        case .timeTicks: "TimeTicks"
        case .opaque: "Opaque"
        case .counter64: "Counter64"
        case .noSuchObject: "noSuchObject"
        case .noSuchInstance: "noSuchInstance"
        case .endOfMibView: "endOfMibView"
        }
    }

    /// True for the three v2c exceptions, which stand where a value would.
    public var isException: Bool {
        switch self {
        case .noSuchObject, .noSuchInstance, .endOfMibView: true
        default: false
        }
    }

    /// An unsigned reading of numeric values (counters, gauges, ticks, non-negative integers).
    public var unsignedValue: UInt64? {
        switch self {
        case .counter32(let v), .gauge32(let v), .timeTicks(let v): UInt64(v)
        case .counter64(let v): v
        case .integer32(let v) where v >= 0: UInt64(v)
        default: nil
        }
    }

    /// The text of an OctetString when it is printable UTF-8, else nil.
    public var text: String? {
        guard case .octetString(let bytes) = self, let string = String(validating: bytes, as: UTF8.self) else { return nil }
        return string.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F || $0 == "\n" || $0 == "\r" || $0 == "\t" }) ? string : nil
    }

    /// How people read the value: numbers as numbers, printable strings as text, other bytes as hex.
    public var displayText: String {
        switch self {
        case .integer32(let v): String(v)
        case .octetString(let bytes): text ?? Self.hex(bytes)
        case .null: "null"
        case .objectIdentifier(let oid): oid.description
        case .ipAddress(let bytes): bytes.map(String.init).joined(separator: ".")
        case .counter32(let v), .gauge32(let v), .timeTicks(let v): String(v)
        case .opaque(let bytes): Self.hex(bytes)
        case .counter64(let v): String(v)
        case .noSuchObject, .noSuchInstance, .endOfMibView: typeName
        }
    }

    /// Bytes as lower-case hex pairs separated by spaces.
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 3)
        for (index, byte) in bytes.enumerated() {
            if index > 0 { out.append(0x20) }
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// One variable binding: an OID and the value the agent returned for it.
public struct VarBind: Sendable, Hashable {
    public var oid: OID
    public var value: SNMPValue

    public init(oid: OID, value: SNMPValue) {
        self.oid = oid
        self.value = value
    }
}
