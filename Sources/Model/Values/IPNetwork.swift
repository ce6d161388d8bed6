/// An IPv4 or IPv6 address, kept as its bytes so that addresses compare and mask exactly.
public struct IPAddress: Hashable, TextualValue {
    public let bytes: [UInt8]

    public var isIPv4: Bool { bytes.count == 4 }

    public init?(_ text: String) {
        if let v4 = Self.parseIPv4(text) { bytes = v4 } else if let v6 = Self.parseIPv6(text) { bytes = v6 } else { return nil }
    }

    /// True for 127.0.0.0/8 and ::1, the only addresses the simulated city and the tests may reach.
    public var isLoopback: Bool {
        isIPv4 ? bytes[0] == 127 : bytes == [UInt8](repeating: 0, count: 15) + [1]
    }

    public var description: String {
        if isIPv4 { return bytes.map(String.init).joined(separator: ".") }
        var groups: [String] = []
        for i in stride(from: 0, to: 16, by: 2) {
            groups.append(String(UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1]), radix: 16))
        }
        return groups.joined(separator: ":")
    }

    private static func parseIPv4(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var result: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), let value = UInt8(part) else { return nil }
            result.append(value)
        }
        return result
    }

    private static func parseIPv6(_ text: String) -> [UInt8]? {
        guard text.contains(":"), text.allSatisfy({ $0.isHexDigit || $0 == ":" }) else { return nil }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt16]? {
            if part.isEmpty { return [] }
            var values: [UInt16] = []
            for group in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard (1...4).contains(group.count), let value = UInt16(group, radix: 16) else { return nil }
                values.append(value)
            }
            return values
        }
        guard let head = groups(halves[0]) else { return nil }
        var all = head
        if halves.count == 2 {
            guard let tail = groups(halves[1]), head.count + tail.count < 8 else { return nil }
            all += [UInt16](repeating: 0, count: 8 - head.count - tail.count) + tail
        }
        guard all.count == 8 else { return nil }
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] }
    }

}

/// A subnet in CIDR form (`10.12.0.0/16`), for school user networks and overlap checks.
public struct IPNetwork: Hashable, TextualValue {
    public let address: IPAddress
    public let prefixLength: Int

    /// Parses `address/prefix`; host bits must be zero, so `10.0.0.1/8` is refused as ambiguous.
    public init?(_ text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let address = IPAddress(String(parts[0])),
            let prefix = Int(parts[1]), prefix >= 0, prefix <= address.bytes.count * 8
        else { return nil }
        self.address = address
        self.prefixLength = prefix
        guard Self.masked(address.bytes, prefix) == address.bytes else { return nil }
    }

    /// True when `address` lies in the network.
    public func contains(_ address: IPAddress) -> Bool {
        address.isIPv4 == self.address.isIPv4 && Self.masked(address.bytes, prefixLength) == self.address.bytes
    }

    /// True when the two networks share at least one address.
    public func overlaps(_ other: IPNetwork) -> Bool {
        guard address.isIPv4 == other.address.isIPv4 else { return false }
        let common = min(prefixLength, other.prefixLength)
        return Self.masked(address.bytes, common) == Self.masked(other.address.bytes, common)
    }

    private static func masked(_ bytes: [UInt8], _ prefix: Int) -> [UInt8] {
        bytes.enumerated().map { index, byte in
            let bits = max(0, min(8, prefix - index * 8))
            return bits == 0 ? 0 : byte & UInt8(truncatingIfNeeded: 0xff << (8 - bits))
        }
    }

    public var description: String { "\(address)/\(prefixLength)" }

}
