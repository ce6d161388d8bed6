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
    /// separated by `.` or `-`, or twelve hex digits; upper or lower case. Nil for anything else.
    public init?(parsing text: some StringProtocol) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let separators: Set<Character> = [":", "-", "."]
        let groups = trimmed.split(omittingEmptySubsequences: false, whereSeparator: { separators.contains($0) })
        let separatorsUsed = Set(trimmed.filter { separators.contains($0) })
        guard separatorsUsed.count <= 1 else { return nil }
        switch groups.count {
        case 1: guard trimmed.count == 12 else { return nil }
        case 3: guard groups.allSatisfy({ $0.count == 4 }), !separatorsUsed.contains(":") else { return nil }
        case 6: guard groups.allSatisfy({ $0.count == 2 }), !separatorsUsed.contains(".") else { return nil }
        default: return nil
        }
        guard let value = UInt64(groups.joined(), radix: 16) else { return nil }
        self.value = value
    }

    /// The octets, first transmitted first.
    public var octets: [UInt8] { (0..<6).map { UInt8(truncatingIfNeeded: value >> (40 - 8 * UInt64($0))) } }

    /// Set in the first octet of a locally administered address: what Android 10+ and iOS 14+ use by default as a
    /// per-network "private" address, which identifies no device.
    public var isLocallyAdministered: Bool { (value >> 40) & 0x02 != 0 }

    /// A group address: never the address of one terminal.
    public var isMulticast: Bool { (value >> 40) & 0x01 != 0 }

    public var description: String { octets.map { hex($0) }.joined(separator: ":") }

    private func hex(_ octet: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(octet >> 4)], digits[Int(octet & 0x0F)]])
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
