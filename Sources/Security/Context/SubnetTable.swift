import Capture

/// Longest-prefix lookup of IPv4 addresses in a list of networks without hashing: a table of the 65,536 /16 blocks,
/// each naming its network or a table of its 256 /24 blocks; only blocks holding a network longer than /24 fall back
/// to hash probes, one a distinct prefix length. The accounting looks up both ends of every frame.
public struct SubnetTable: Sendable {
    /// One network of the table.
    public struct Network: Sendable, Hashable, CustomStringConvertible {
        public let base: IPv4Address
        public let prefixLength: Int

        public init(base: IPv4Address, prefixLength: Int) {
            self.base = base
            self.prefixLength = prefixLength
        }

        /// The first address after the network's own: where a school's gateway usually answers.
        public var firstHost: IPv4Address { IPv4Address(raw: base.raw | (prefixLength < 31 ? 1 : 0)) }

        /// How many addresses it holds.
        public var size: Int { 1 << (32 - prefixLength) }

        public var description: String { "\(base)/\(prefixLength)" }

        static func mask(_ length: Int) -> UInt32 { length == 0 ? 0 : UInt32.max << UInt32(32 - length) }
    }

    public let networks: [Network]
    /// By /16 block: 0 none, `index + 1` a network, `second | blockFlag` a table of /24 blocks at `second * 256`.
    private let first: [UInt32]
    /// By /24 block within a /16's table: 0 none, `index + 1` a network, `hashed` when longer prefixes are in it.
    private let second: [UInt32]
    /// The longer-than-/24 networks by prefix length, longest first: masked base → index (and every network, for the
    /// blocks that hold one).
    private let byLength: [(length: Int, mask: UInt32, bases: [UInt32: Int])]
    private static let blockFlag: UInt32 = 0x8000_0000, hashed: UInt32 = 0xFFFF_FFFF

    /// `networks` in the order their indexes are wanted; of two equal networks the first is kept.
    public init(_ networks: [Network]) {
        self.networks = networks
        var tables: [Int: [UInt32: Int]] = [:]
        for (index, network) in networks.enumerated() where tables[network.prefixLength]?[network.base.raw] == nil {
            tables[network.prefixLength, default: [:]][network.base.raw] = index
        }
        byLength = tables.keys.sorted(by: >).map { ($0, Network.mask($0), tables[$0]!) }
        var first = [UInt32](repeating: 0, count: 1 << 16)
        var second: [UInt32] = []
        func secondBlock(_ top: Int) -> Int {
            if first[top] & Self.blockFlag != 0 { return Int(first[top] & ~Self.blockFlag) * 256 }
            let start = second.count
            second += [UInt32](repeating: first[top], count: 256)
            first[top] = UInt32(start / 256) | Self.blockFlag
            return start
        }
        // Shorter prefixes first, so that a longer one inside paints over them.
        for length in tables.keys.sorted() {
            for (base, index) in tables[length]!.sorted(by: { $0.key < $1.key }) {
                let top = Int(base >> 16)
                if length <= 16 {
                    // No /24 table exists yet: those come with the longer prefixes, painted after.
                    for block in top..<(top + (1 << (16 - length))) { first[block] = UInt32(index + 1) }
                } else {
                    let start = secondBlock(top)
                    let low = Int(base >> 8 & 0xFF)
                    let count = length <= 24 ? 1 << (24 - length) : 1
                    for slot in (start + low)..<(start + low + count) {
                        second[slot] = length <= 24 && second[slot] != Self.hashed ? UInt32(index + 1) : Self.hashed
                    }
                }
            }
        }
        self.first = first
        self.second = second
    }

    /// The index of the longest network that holds `address`, or nil.
    @inline(__always)
    public func index(of address: IPv4Address) -> Int? {
        var entry = first[Int(address.raw >> 16)]
        if entry & Self.blockFlag != 0 {
            entry = second[Int(entry & ~Self.blockFlag) * 256 + Int(address.raw >> 8 & 0xFF)]
            if entry == Self.hashed { return hashedIndex(of: address) }
        }
        return entry == 0 ? nil : Int(entry) - 1
    }

    private func hashedIndex(of address: IPv4Address) -> Int? {
        for table in byLength {
            if let index = table.bases[address.raw & table.mask] { return index }
        }
        return nil
    }
}
