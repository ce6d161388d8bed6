import Capture

/// Longest-prefix lookup of IPv4 addresses in a list of networks, in as many hash probes as there are distinct prefix
/// lengths (a city's school subnets use three or four): the accounting looks up both ends of every frame.
public struct SubnetTable: Sendable {
    /// One network of the table and what it stands for (its position in the list it was built from).
    public struct Network: Sendable, Hashable, CustomStringConvertible {
        public let base: IPv4Address
        public let prefixLength: Int

        public init(base: IPv4Address, prefixLength: Int) {
            self.base = base
            self.prefixLength = prefixLength
        }

        public func contains(_ address: IPv4Address) -> Bool { address.raw & Self.mask(prefixLength) == base.raw }

        /// The first address after the network's own: where a school's gateway usually answers.
        public var firstHost: IPv4Address { IPv4Address(raw: base.raw | (prefixLength < 31 ? 1 : 0)) }

        public var description: String { "\(base)/\(prefixLength)" }

        static func mask(_ length: Int) -> UInt32 { length == 0 ? 0 : UInt32.max << UInt32(32 - length) }
    }

    public let networks: [Network]
    /// By prefix length, longest first: masked base → index in `networks`.
    private let byLength: [(length: Int, mask: UInt32, bases: [UInt32: Int])]

    /// `networks` in the order their indexes are wanted; of two equal networks the first is kept.
    public init(_ networks: [Network]) {
        self.networks = networks
        var tables: [Int: [UInt32: Int]] = [:]
        for (index, network) in networks.enumerated() where tables[network.prefixLength]?[network.base.raw] == nil {
            tables[network.prefixLength, default: [:]][network.base.raw] = index
        }
        byLength = tables.keys.sorted(by: >).map { ($0, Network.mask($0), tables[$0]!) }
    }

    /// The index of the longest network that holds `address`, or nil.
    @inline(__always)
    public func index(of address: IPv4Address) -> Int? {
        for table in byLength {
            if let index = table.bases[address.raw & table.mask] { return index }
        }
        return nil
    }
}
