/// An SNMP object identifier (`1.3.6.1.2.1.2.2.1.10.3`): compared, ordered and prefix-tested as SNMP does.
public struct OID: Sendable, Hashable, Comparable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The sub-identifiers; each fits 32 bits, and there are at most 128 of them (RFC 2578).
    public let components: [UInt32]

    public static let maximumLength = 128

    public init(_ components: [UInt32]) { self.components = components }

    /// Parses dotted form, with or without a leading dot: `1.3.6.1.2.1.1.1.0`, `.1.3.6.1`.
    public init?(parsing text: String) {
        var body = Substring(text)
        if body.hasPrefix(".") { body = body.dropFirst() }
        guard !body.isEmpty else { return nil }
        var parts: [UInt32] = []
        for piece in body.split(separator: ".", omittingEmptySubsequences: false) {
            guard !piece.isEmpty, piece.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let value = UInt32(piece) else { return nil }
            parts.append(value)
        }
        guard parts.count <= Self.maximumLength else { return nil }
        components = parts
    }

    public init(stringLiteral value: String) {
        guard let oid = OID(parsing: value) else { preconditionFailure("not an OID: \(value)") }
        self = oid
    }

    public var count: Int { components.count }

    /// Dotted form without a leading dot.
    public var description: String {
        var text = ""
        text.reserveCapacity(components.count * 4)
        for (index, component) in components.enumerated() {
            if index > 0 { text.append(".") }
            text.append(String(component))
        }
        return text
    }

    /// True when `self` is `other` or an ancestor of it.
    public func isPrefix(of other: OID) -> Bool {
        components.count <= other.components.count && other.components.starts(with: components)
    }

    /// The sub-identifiers after `prefix` (the instance or table index), or nil if `prefix` is not a prefix.
    public func suffix(after prefix: OID) -> OID? {
        prefix.isPrefix(of: self) ? OID(Array(components[prefix.components.count...])) : nil
    }

    /// The one sub-identifier after `prefix` when `self` is `prefix` followed by exactly one (the instance of a column
    /// of a table indexed by one integer, such as ifIndex), else nil. Unlike `suffix(after:)` it copies nothing: a
    /// poll asks it of every varbind.
    public func lastComponent(under prefix: OID) -> UInt32? {
        guard components.count == prefix.components.count + 1 else { return nil }
        for position in prefix.components.indices where components[position] != prefix.components[position] { return nil }
        return components[prefix.components.count]
    }

    public func appending(_ more: UInt32...) -> OID { OID(components + more) }

    /// Lexicographic order of sub-identifiers, the order of a MIB walk.
    public static func < (lhs: OID, rhs: OID) -> Bool {
        lhs.components.lexicographicallyPrecedes(rhs.components)
    }
}
