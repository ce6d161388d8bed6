import Foundation

/// The traffic of one interface over one poll interval, as stored: bits per second in and out, or why the
/// interval is unknown. An unknown interval is kept as unknown, never as zero.
public struct InterfaceMeasurement: Sendable, Hashable, Codable {
    /// The device's inventory id.
    public var device: String
    /// The interface's name (`ifName`, else `ifDescr`), stable across re-indexing.
    public var interface: String
    /// The end of the interval.
    public var time: Date
    public var inBitsPerSecond: Double?
    public var outBitsPerSecond: Double?
    /// Why the interval's rate is unknown, when it is.
    public var unknownReason: String?

    public init(
        device: String, interface: String, time: Date, inBitsPerSecond: Double?, outBitsPerSecond: Double?,
        unknownReason: String? = nil
    ) {
        self.device = device
        self.interface = interface
        self.time = time
        self.inBitsPerSecond = inBitsPerSecond
        self.outBitsPerSecond = outBitsPerSecond
        self.unknownReason = unknownReason
    }
}
