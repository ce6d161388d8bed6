import Foundation

/// An octet counter as one poll read it: 64-bit (`ifHCInOctets`) when the device has it, else 32-bit.
public enum OctetCounter: Sendable, Hashable {
    case bits64(UInt64)
    case bits32(UInt32)
}

/// One poll of one interface: the counters and what is needed to tell a real delta from a reset.
public struct InterfaceSample: Sendable, Hashable {
    /// When the answer arrived (the poller's clock).
    public var time: Date
    /// The agent's sysUpTime in hundredths of a second; going backwards means the agent restarted.
    public var sysUpTime: UInt32
    /// ifCounterDiscontinuityTime; a change means the counters were reset or re-based.
    public var discontinuityTime: UInt32?
    public var inOctets: OctetCounter?
    public var outOctets: OctetCounter?
    /// The negotiated speed (ifHighSpeed), used to reject impossible 32-bit deltas.
    public var speedBitsPerSecond: UInt64?

    public init(
        time: Date, sysUpTime: UInt32, discontinuityTime: UInt32? = nil, inOctets: OctetCounter?,
        outOctets: OctetCounter?, speedBitsPerSecond: UInt64? = nil
    ) {
        self.time = time
        self.sysUpTime = sysUpTime
        self.discontinuityTime = discontinuityTime
        self.inOctets = inOctets
        self.outOctets = outOctets
        self.speedBitsPerSecond = speedBitsPerSecond
    }
}

/// The traffic of one interval between two polls, per direction, or why it cannot be known.
/// An unknown interval is never reported as zero traffic and never as a spike.
public enum IntervalRate: Sendable, Hashable {
    case measured(inBitsPerSecond: Double?, outBitsPerSecond: Double?)
    case unknown(UnknownReason)

    /// Why an interval's rate is unknown.
    public enum UnknownReason: String, Sendable, Hashable, Error {
        /// sysUpTime went backwards: the device restarted and its counters began again.
        case agentRestarted = "agent restarted"
        /// ifCounterDiscontinuityTime changed: the interface's counters were reset.
        case counterDiscontinuity = "counter discontinuity"
        /// Too long since the previous poll: polls were missed, and the gap stays a gap.
        case gap = "polls missed"
        /// The device switched between 32- and 64-bit counters.
        case counterWidthChanged = "counter width changed"
        /// A 32-bit counter could have wrapped more than once at this link's speed.
        case ambiguousWrap = "32-bit counter may have wrapped more than once"
        /// A counter went backwards or implied more than the link can carry.
        case implausible = "counter went backwards or beyond the link speed"
        /// The two polls are not in time order.
        case clock = "poll times out of order"
        /// The agent gives the interface no octet counters (neither ifHCIn/OutOctets nor ifIn/OutOctets).
        case noCounters = "no octet counters"
    }
}
