/// A 48-bit Ethernet address, held in an integer so that tables of hosts hash and compare it cheaply.
public struct MACAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let raw: UInt64

    public init(raw: UInt64) { self.raw = raw & 0xFFFF_FFFF_FFFF }

    /// Reads `aa:bb:cc:dd:ee:ff` (also with `-`), as inventories and terminal registers write it.
    public init?(_ text: String) {
        let parts = text.split(whereSeparator: { $0 == ":" || $0 == "-" })
        guard parts.count == 6 else { return nil }
        var raw: UInt64 = 0
        for part in parts {
            guard part.count == 2, let byte = UInt8(part, radix: 16) else { return nil }
            raw = raw << 8 | UInt64(byte)
        }
        self.init(raw: raw)
    }

    public static let broadcast = MACAddress(raw: 0xFFFF_FFFF_FFFF)
    public static let zero = MACAddress(raw: 0)

    public var description: String {
        (0..<6).map { index in
            let byte = UInt8(truncatingIfNeeded: raw >> UInt64(40 - 8 * index))
            return (byte < 16 ? "0" : "") + String(byte, radix: 16)
        }.joined(separator: ":")
    }

    public static func < (lhs: MACAddress, rhs: MACAddress) -> Bool { lhs.raw < rhs.raw }
}

/// An IPv4 address as its 32-bit number, for the same reason.
public struct IPv4Address: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let raw: UInt32

    public init(raw: UInt32) { self.raw = raw }

    /// Reads dotted quads (`10.1.2.3`).
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var raw: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), let byte = UInt8(part) else { return nil }
            raw = raw << 8 | UInt32(byte)
        }
        self.raw = raw
    }

    public static let zero = IPv4Address(raw: 0)

    public var description: String {
        "\(raw >> 24).\(raw >> 16 & 0xFF).\(raw >> 8 & 0xFF).\(raw & 0xFF)"
    }

    public static func < (lhs: IPv4Address, rhs: IPv4Address) -> Bool { lhs.raw < rhs.raw }
}

/// An IPv6 address as two 64-bit halves.
public struct IPv6Address: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let high: UInt64
    public let low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    var groups: [UInt16] {
        (0..<8).map { index in UInt16(truncatingIfNeeded: (index < 4 ? high : low) >> UInt64(48 - 16 * (index % 4))) }
    }

    /// RFC 5952's text: lower-case hex, no leading zeros, the longest run of two or more zero groups as `::`.
    public var description: String {
        let groups = groups
        var best = (start: -1, length: 0)
        var run = (start: -1, length: 0)
        for (index, group) in groups.enumerated() {
            if group == 0 {
                run = run.start < 0 ? (index, 1) : (run.start, run.length + 1)
                if run.length > best.length { best = run }
            } else {
                run = (-1, 0)
            }
        }
        let hex = groups.map { String($0, radix: 16) }
        guard best.length >= 2 else { return hex.joined(separator: ":") }
        let head = hex[..<best.start].joined(separator: ":")
        let tail = hex[(best.start + best.length)...].joined(separator: ":")
        return head + "::" + tail
    }

    public static func < (lhs: IPv6Address, rhs: IPv6Address) -> Bool { (lhs.high, lhs.low) < (rhs.high, rhs.low) }
}
