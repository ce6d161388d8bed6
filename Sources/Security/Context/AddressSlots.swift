import Capture

/// A value for each address of a table's networks, stored flat and allocated a network at a time on its first use:
/// per-host state that a frame reaches by its network's index and its offset in it, without hashing. Networks larger
/// than `maxNetworkSize` addresses get no slots (their hosts go to a dictionary where they are needed).
struct AddressSlots<Value: Sendable>: Sendable {
    static var maxNetworkSize: Int { 1 << 16 }

    private let networks: [SubnetTable.Network]
    private let initial: Value
    /// Where each network's slots start in `values`; -1 before its first use.
    private var start: [Int]
    private(set) var values: [Value] = []

    init(_ table: SubnetTable, initial: Value) {
        networks = table.networks
        self.initial = initial
        start = [Int](repeating: -1, count: table.networks.count)
    }

    /// The slot of `address` in network `index`, allocating the network's slots if needed; nil for a network too big.
    @inline(__always)
    mutating func slot(_ address: IPv4Address, in index: Int) -> Int? {
        var base = start[index]
        if base < 0 {
            let size = networks[index].size
            guard size <= Self.maxNetworkSize else { return nil }
            base = values.count
            start[index] = base
            values += repeatElement(initial, count: size)
        }
        return base + Int(address.raw &- networks[index].base.raw)
    }

    subscript(slot: Int) -> Value {
        get { values[slot] }
        set { values[slot] = newValue }
    }

    /// Every allocated slot with its address.
    func eachAllocated(_ body: (IPv4Address, Value) -> Void) {
        for (index, base) in start.enumerated() where base >= 0 {
            let network = networks[index]
            for offset in 0..<network.size { body(IPv4Address(raw: network.base.raw &+ UInt32(offset)), values[base + offset]) }
        }
    }
}
