import Foundation

/// What a compute-pool server reports about its load and capacity (HOST-RESOURCES-MIB): processor load per
/// CPU, the used and total bytes of its memory and fixed disks, and how long it has been up.
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
    /// hrSystemUptime in seconds: how long the host (not its agent, which sysUpTime counts) has been up, modulo the
    /// 2³² hundredths of a second (497.1 days) a TimeTicks holds; nil when the agent does not report it.
    public var uptimeSeconds: Double?

    public init(processors: Int, processorLoads: [Int], storage: [Storage], uptimeSeconds: Double? = nil) {
        self.processors = processors
        self.processorLoads = processorLoads
        self.storage = storage
        self.uptimeSeconds = uptimeSeconds
    }

    /// The span of hrSystemUptime: a TimeTicks counts hundredths of a second in 32 bits.
    public static let uptimeWrapSeconds = 4_294_967_296 / 100.0
    /// How far an uptime may fall short of the previous one plus the time between the two polls and still be the same
    /// boot: the two are stamped when the polls were stored, not when the agent read its clock.
    public static let uptimeSlackSeconds: Double = 10

    /// Whether the host restarted between two polls, from their uptimes and times: the uptime fell short of the
    /// previous one plus the time between them. A TimeTicks that went past 497.1 days and started again from zero is
    /// not a restart; a restart is missed only when the previous poll came within `uptimeSlackSeconds` of a boot.
    public static func restarted(previous: (time: Double, uptime: Double), time: Double, uptime: Double) -> Bool {
        let expected = previous.uptime + (time - previous.time)
        guard uptime < expected - uptimeSlackSeconds else { return false }
        let wrapped = expected - uptimeWrapSeconds
        return !(wrapped > -uptimeSlackSeconds && abs(uptime - wrapped) <= uptimeSlackSeconds)
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
