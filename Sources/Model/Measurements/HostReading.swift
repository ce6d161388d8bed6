import Foundation

/// What a compute-pool server reports about its load and capacity (HOST-RESOURCES-MIB): processor load per
/// CPU and the used and total bytes of its memory and fixed disks.
public struct HostReading: Sendable, Hashable, Codable {
    /// One hrStorage entry.
    public struct Storage: Sendable, Hashable, Codable {
        public enum Kind: String, Sendable, Hashable, Codable { case memory, disk, other }
        public var description: String
        public var kind: Kind
        public var sizeBytes: UInt64
        public var usedBytes: UInt64
        /// The size or the use is the largest count hrStorageSize/Used can hold (2³¹−1 allocation units): the agent
        /// did not scale its units to the volume, and the figures are a cap, not the volume's.
        public var capped: Bool

        public init(description: String, kind: Kind, sizeBytes: UInt64, usedBytes: UInt64, capped: Bool = false) {
            self.description = description
            self.kind = kind
            self.sizeBytes = sizeBytes
            self.usedBytes = usedBytes
            self.capped = capped
        }
    }

    /// Rows of hrProcessorTable.
    public var processors: Int
    /// hrProcessorLoad of each processor that reports it, percent over the last minute (an agent reports
    /// none during its first minute).
    public var processorLoads: [Int]
    public var storage: [Storage]

    public init(processors: Int, processorLoads: [Int], storage: [Storage]) {
        self.processors = processors
        self.processorLoads = processorLoads
        self.storage = storage
    }

    /// The mean load over the processors, nil when the host reports none.
    public var meanProcessorLoad: Double? {
        processorLoads.isEmpty ? nil : Double(processorLoads.reduce(0, +)) / Double(processorLoads.count)
    }

    /// Totals of one kind of storage: used and size in bytes, of the entries whose figures are not capped.
    public func total(_ kind: Storage.Kind) -> (used: UInt64, size: UInt64)? {
        let entries = storage.filter { $0.kind == kind && !$0.capped }
        guard !entries.isEmpty else { return nil }
        return entries.reduce((used: UInt64(0), size: UInt64(0))) { ($0.used + $1.usedBytes, $0.size + $1.sizeBytes) }
    }
}
