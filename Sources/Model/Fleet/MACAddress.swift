import Foundation

/// A 48-bit hardware address as EduNet keeps it: one number, written `aa:bb:cc:dd:ee:ff`, whatever the form it
/// arrived in (`AA-BB-CC-DD-EE-FF` from Windows, `aabb.ccdd.eeff` from Cisco, `aabb-ccdd-eeff` from Huawei, bare hex).
public struct MACAddress: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The address in the low 48 bits.
    public let value: UInt64

    /// Six octets, as SNMP tables carry a MAC (an OctetString, or six sub-identifiers of an index).
    public init?<C: Collection>(octets: C) where C.Element: BinaryInteger {
        guard octets.count == 6 else { return nil }
        var value: UInt64 = 0
        for octet in octets {
            guard octet >= 0, octet <= 255 else { return nil }
            value = value << 8 | UInt64(octet)
        }
        self.value = value
    }

    /// Parses any of the usual spellings: groups of two hex digits separated by `:` or `-`, groups of four
    /// separated by `.` or `-`, or twelve hex digits; upper or lower case; spaces or tabs around. Nil for anything
    /// else. One pass over the UTF-8 bytes: an import reads one or more a row.
    public init?(parsing text: some StringProtocol) {
        var value: UInt64 = 0
        var digits = 0
        var group = 0
        var groups = 1
        var groupSize: Int?
        var separator: UInt8?
        var utf8 = Substring(text).utf8[...]
        while let first = utf8.first, first == 0x20 || first == 0x09 { utf8 = utf8.dropFirst() }
        while let last = utf8.last, last == 0x20 || last == 0x09 { utf8 = utf8.dropLast() }
        for byte in utf8 {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            case UInt8(ascii: ":"), UInt8(ascii: "-"), UInt8(ascii: "."):
                guard separator == nil || separator == byte, group > 0, groupSize == nil || groupSize == group else { return nil }
                separator = byte
                groupSize = group
                group = 0
                groups += 1
                continue
            default: return nil
            }
            digits += 1
            group += 1
            guard digits <= 12 else { return nil }
            value = value << 4 | UInt64(digit)
        }
        guard digits == 12, groupSize == nil || groupSize == group else { return nil }
        switch (groups, separator.map { Character(Unicode.Scalar($0)) }) {
        case (1, nil), (3, "."?), (3, "-"?), (6, ":"?), (6, "-"?): break
        default: return nil
        }
        self.value = value
    }

    /// The octets, first transmitted first.
    public var octets: [UInt8] { (0..<6).map { UInt8(truncatingIfNeeded: value >> (40 - 8 * UInt64($0))) } }

    /// Set in the first octet of a locally administered address: what Android 10+ and iOS 14+ use by default as a
    /// per-network "private" address, which identifies no device.
    public var isLocallyAdministered: Bool { (value >> 40) & 0x02 != 0 }

    /// A group address: never the address of one terminal.
    public var isMulticast: Bool { (value >> 40) & 0x01 != 0 }

    public var description: String {
        String(unsafeUninitializedCapacity: 17) { buffer in
            let digits = Array("0123456789abcdef".utf8)
            for i in 0..<6 {
                let octet = Int(truncatingIfNeeded: value >> (40 - 8 * UInt64(i))) & 0xFF
                buffer[i * 3] = digits[octet >> 4]
                buffer[i * 3 + 1] = digits[octet & 0x0F]
                if i < 5 { buffer[i * 3 + 2] = UInt8(ascii: ":") }
            }
            return 17
        }
    }

    public static func < (lhs: MACAddress, rhs: MACAddress) -> Bool { lhs.value < rhs.value }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let mac = MACAddress(parsing: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a MAC address: \(text)"))
        }
        self = mac
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
