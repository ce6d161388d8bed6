import Foundation

/// Turns two consecutive polls of an interface into bits per second, handling 32-bit wraps and refusing
/// to guess across restarts, counter resets and missed polls.
public struct RateCalculator: Sendable {
    /// Longer than this between two polls, the interval is a gap (e.g. 2.5 × the poll interval).
    public var maximumInterval: TimeInterval
    /// A delta implying more than speed × this factor is rejected (allows for rounding of ifHighSpeed).
    public var speedTolerance: Double

    public init(maximumInterval: TimeInterval, speedTolerance: Double = 1.05) {
        self.maximumInterval = maximumInterval
        self.speedTolerance = speedTolerance
    }

    public func rate(from previous: InterfaceSample, to current: InterfaceSample) -> IntervalRate {
        let seconds = current.time.timeIntervalSince(previous.time)
        guard seconds > 0 else { return .unknown(.clock) }
        guard seconds <= maximumInterval else { return .unknown(.gap) }
        guard current.sysUpTime >= previous.sysUpTime else { return .unknown(.agentRestarted) }
        guard current.discontinuityTime == previous.discontinuityTime else { return .unknown(.counterDiscontinuity) }
        let speed = current.speedBitsPerSecond ?? previous.speedBitsPerSecond
        let counted = [(previous.inOctets, current.inOctets), (previous.outOctets, current.outOctets)].contains { $0.0 != nil && $0.1 != nil }
        guard counted else { return .unknown(.noCounters) }
        var rates: [Double?] = []
        for (before, after) in [(previous.inOctets, current.inOctets), (previous.outOctets, current.outOctets)] {
            guard let before, let after else {
                rates.append(nil)
                continue
            }
            switch delta(before, after, seconds: seconds, speed: speed) {
            case .success(let octets): rates.append(Double(octets) * 8 / seconds)
            case .failure(let reason): return .unknown(reason)
            }
        }
        return .measured(inBitsPerSecond: rates[0], outBitsPerSecond: rates[1])
    }

    private func delta(_ before: OctetCounter, _ after: OctetCounter, seconds: Double, speed: UInt64?) -> Result<UInt64, IntervalRate.UnknownReason> {
        let octets: UInt64
        switch (before, after) {
        case (.bits64(let a), .bits64(let b)):
            // A 64-bit octet counter does not wrap in practice (decades at 100 Gbit/s): backwards is a reset.
            guard b >= a else { return .failure(.implausible) }
            octets = b - a
        case (.bits32(let a), .bits32(let b)):
            if let speed, speed > 0 {
                // At this speed the counter wraps every 2^32 × 8 / speed seconds; past that, wraps cannot be counted.
                let wrapSeconds = Double(UInt64(1) << 32) * 8 / Double(speed)
                guard seconds < wrapSeconds else { return .failure(.ambiguousWrap) }
            }
            octets = UInt64(b &- a)  // one wrap at most, by the check above
        default:
            return .failure(.counterWidthChanged)
        }
        if let speed, speed > 0, Double(octets) * 8 / seconds > Double(speed) * speedTolerance {
            return .failure(.implausible)
        }
        return .success(octets)
    }
}
