import Foundation
import Model

/// The one definition of how full a planned link was over a window. `edunet links list`, the compliance report's
/// delivered-capacity findings and the `link_congested` alert all read a link through this type, so they can never
/// disagree about the same link over the same window. The result says which end was measured, which capacity the
/// rates are divided by and why, the utilisation of every interval, the p95 and peak of each direction, and the
/// share of the window that was measured (unknown intervals are never zeros).
///
/// The rules, stated once:
/// - **End**: the downstream end's own counters (`b`, its "in" is the traffic towards the school), else the
///   upstream end's (`a`, its "out" is). When the rates cover less of the window than the five-minute roll-ups do
///   (a window reaching back past the rates' retention), the roll-ups' means are used, and `resolution` says so.
/// - **Capacity**: the smaller of the planned (contracted) capacity and the speed the measured end negotiated
///   (`ifHighSpeed`; the other end's when the measured end reports none): a link carries no more than either.
/// - **Coverage**: measured intervals × the usual spacing of intervals, over the window (nil below two intervals).
/// - **Verdict**: per direction, p95 (nearest rank) of the measured intervals over the capacity against the
///   congestion threshold; unknown when there is no capacity or the coverage is under the minimum.
public struct LinkUtilisation: Sendable, Hashable, Encodable {
    /// The link as a whole: ok, congested in a direction, or why that is not known.
    public enum Status: String, Sendable, Hashable, Codable {
        case ok, congested
        case noData = "no data"
        case noCapacity = "no capacity"
        /// Measured, but over less of the window than the minimum coverage: the verdict would rest on too little.
        case lowCoverage = "low coverage"
        /// A polled device has no interface of the name the link gives: the plan and the network disagree.
        case interfaceMissing = "interface missing"
        /// The interface is there but operationally down.
        case down
    }

    /// Towards the school (downstream) or away from it.
    public enum Direction: String, Sendable, Hashable, Codable, CaseIterable {
        case downstream, upstream
    }

    /// What a verdict is judged against: from the bandwidth policy.
    public struct Criteria: Sendable, Hashable {
        public var congestionThreshold: Double
        /// Below this share of the window measured, a verdict is unknown rather than a pass.
        public var minimumCoverage: Double

        public static let defaultMinimumCoverage = 0.5

        public init(congestionThreshold: Double, minimumCoverage: Double = Self.defaultMinimumCoverage) {
            self.congestionThreshold = congestionThreshold
            self.minimumCoverage = minimumCoverage
        }

        public init(policy: BandwidthPolicy) { self.init(congestionThreshold: policy.congestionThreshold) }
    }

    /// The bit rate utilisation is a share of, and where it came from.
    public struct Capacity: Sendable, Hashable, Encodable {
        public enum Source: String, Sendable, Hashable, Encodable {
            /// The interface's negotiated speed was the smaller (or the only one known).
            case negotiated
            /// The inventory's planned capacity was the smaller (or the only one known).
            case planned
        }

        public var bitsPerSecond: Double
        public var source: Source
        /// For people: "negotiated speed of agg-lingwu-sw XGigabitEthernet1/0/1" or "planned capacity".
        public var basis: String
    }

    /// Which stored series the intervals are.
    public enum Resolution: String, Sendable, Hashable, Encodable {
        case rates
        case fiveMinuteMeans = "five-minute means"
    }

    /// One interval of the window, by direction (bits per second), or why it is unknown.
    public struct Interval: Sendable, Hashable {
        /// The end of the interval.
        public var time: Date
        public var downstream: Double?
        public var upstream: Double?
        public var unknownReason: String?

        public func rate(_ direction: Direction) -> Double? { direction == .downstream ? downstream : upstream }
        /// The busier direction's rate.
        public var busier: Double? { [downstream, upstream].compactMap { $0 }.max() }
    }

    /// One direction's figures over the window's measured intervals.
    public struct Figures: Sendable, Hashable, Encodable {
        /// Measured intervals with a rate in this direction.
        public var samples: Int
        public var p95: Double?
        public var peak: Double?
        /// The newest interval's rate (nil when the newest interval was unknown).
        public var latest: Double?
        public var p95Utilisation: Double?
        public var peakUtilisation: Double?
    }

    public var link: Link
    /// The window `[from, to)` of interval end times.
    public var from: Date
    public var to: Date
    /// The end whose interface was measured; nil when neither end has data.
    public var measuredEnd: LinkEnd?
    public var resolution: Resolution
    public var capacity: Capacity?
    /// The negotiated speed (measured end first, else the other end), bits per second, as last reported.
    public var negotiatedSpeed: UInt64?
    /// Every interval of the window, oldest first (not in the JSON form: a day is 1,440 of them a link).
    public var intervals: [Interval]
    public var downstream: Figures
    public var upstream: Figures
    /// The share of the window measured; nil with fewer than two intervals.
    public var coverage: Double?
    public var congestionThreshold: Double
    public var minimumCoverage: Double
    public var status: Status
    /// What is wrong beyond the numbers: which end lacks the interface or is down.
    public var problem: String?

    public func figures(_ direction: Direction) -> Figures { direction == .downstream ? downstream : upstream }

    /// The direction whose p95 is higher (downstream on a tie); nil when neither was measured.
    public var busierDirection: Direction? {
        switch (downstream.p95, upstream.p95) {
        case (nil, nil): nil
        case (_, nil): .downstream
        case (nil, _): .upstream
        case (let down?, let up?): up > down ? .upstream : .downstream
        }
    }

    /// The busier direction's p95, bits per second.
    public var p95: Double? { busierDirection.flatMap { figures($0).p95 } }
    public var p95Utilisation: Double? { busierDirection.flatMap { figures($0).p95Utilisation } }

    /// Whether a direction's p95 is over the threshold; nil when that is not known (why: `unknownReason`).
    public func isCongested(_ direction: Direction) -> Bool? {
        guard unknownReason(direction) == nil, let utilisation = figures(direction).p95Utilisation else { return nil }
        return utilisation > congestionThreshold
    }

    /// Why a direction's verdict is unknown; nil when it is known.
    public func unknownReason(_ direction: Direction) -> String? {
        if figures(direction).p95 == nil { return "no measured \(direction.rawValue) samples in the window" }
        if capacity == nil { return "the link's capacity is unknown (no planned capacity, no negotiated speed)" }
        guard let coverage else { return "fewer than two intervals in the window: how much of it was measured is not known" }
        guard coverage >= minimumCoverage else { return "samples cover only \(RateText.percent(coverage)) of the window" }
        return nil
    }

    /// `unknownReason` in Chinese.
    public func unknownReasonZH(_ direction: Direction) -> String? {
        if figures(direction).p95 == nil { return "窗口内没有\(direction == .downstream ? "下行" : "上行")实测数据" }
        if capacity == nil { return "链路容量未知（无规划容量，也无协商速率）" }
        guard let coverage else { return "窗口内不足两个采样间隔，无法判断覆盖率" }
        guard coverage >= minimumCoverage else { return "样本仅覆盖窗口的 \(RateText.percent(coverage))" }
        return nil
    }

    /// The `link_congested` alert's rule: every interval of the window measured and over the threshold in its busier
    /// direction, at least two of them, the first ending no later than one interval after the window's start.
    public var isCongestedThroughout: Bool {
        guard let capacity, intervals.count >= 2, intervals.allSatisfy({ $0.unknownReason == nil }) else { return false }
        let times = intervals.map(\.time)
        let step = zip(times.dropFirst(), times).map { $0.timeIntervalSince($1) }.max() ?? 0
        guard times[0].timeIntervalSince(from) <= step else { return false }
        return intervals.allSatisfy { ($0.busier ?? 0) / capacity.bitsPerSecond > congestionThreshold }
    }

    /// Judges one link from the samples of its measured end (nil: neither end has any) and the interfaces every
    /// polled device reported at its last poll (a device absent from `interfaces` has not been polled).
    public static func evaluate(
        _ link: Link, measuredEnd: LinkEnd?, samples: [InterfaceMeasurement], resolution: Resolution = .rates,
        from: Date, to: Date, interfaces: [String: [String: InterfaceStatus]], criteria: Criteria
    ) -> LinkUtilisation {
        let downstreamIsIn = measuredEnd != link.a
        let intervals = samples.sorted { $0.time < $1.time }.map { sample in
            Interval(
                time: sample.time, downstream: downstreamIsIn ? sample.inBitsPerSecond : sample.outBitsPerSecond,
                upstream: downstreamIsIn ? sample.outBitsPerSecond : sample.inBitsPerSecond, unknownReason: sample.unknownReason)
        }
        let ends = measuredEnd == link.a ? [link.a, link.b] : [link.b, link.a]
        let negotiated = ends.lazy.compactMap { end in interfaces[end.device]?[end.interface]?.speedBitsPerSecond.map { (end, $0) } }.first
        let capacity = Self.capacity(planned: link.capacity, negotiated: negotiated)
        let measured = intervals.filter { $0.unknownReason == nil }
        func figures(_ direction: Direction) -> Figures {
            let values = measured.compactMap { $0.rate(direction) }
            let p95 = Percentile.nearestRank(0.95, of: values)
            let peak = values.max()
            return Figures(
                samples: values.count, p95: p95, peak: peak, latest: intervals.last?.rate(direction),
                p95Utilisation: capacity.flatMap { c in p95.map { $0 / c.bitsPerSecond } },
                peakUtilisation: capacity.flatMap { c in peak.map { $0 / c.bitsPerSecond } })
        }
        var result = LinkUtilisation(
            link: link, from: from, to: to, measuredEnd: measuredEnd, resolution: resolution, capacity: capacity,
            negotiatedSpeed: negotiated?.1, intervals: intervals, downstream: figures(.downstream),
            upstream: figures(.upstream), coverage: coverage(samples, window: to.timeIntervalSince(from)),
            congestionThreshold: criteria.congestionThreshold, minimumCoverage: criteria.minimumCoverage,
            status: .noData, problem: nil)
        let verdicts = Direction.allCases.map(result.isCongested)
        if verdicts.contains(true) {
            result.status = .congested
        } else if verdicts.contains(false) {
            result.status = .ok
        } else if result.p95 != nil {
            result.status = result.capacity == nil ? .noCapacity : .lowCoverage
        }
        let states = [link.b, link.a].map { end in (end, interfaces[end.device]) }
        if let (end, _) = states.first(where: { end, polled in polled.map { $0[end.interface] == nil } ?? false }) {
            result.status = .interfaceMissing
            result.problem = "\(end.device) has no interface \(end.interface)"
        } else if let (end, _) = states.first(where: { end, polled in polled?[end.interface]?.operUp == false }) {
            result.status = .down
            result.problem = "\(end.device) \(end.interface) is down"
        }
        return result
    }

    /// The smaller of the planned capacity and the negotiated speed, saying which it was.
    static func capacity(planned: Bandwidth?, negotiated: (LinkEnd, UInt64)?) -> Capacity? {
        let planned = planned.map(\.bitsPerSecond).flatMap { $0 > 0 ? Double($0) : nil }
        let speed = negotiated.flatMap { $0.1 > 0 ? Double($0.1) : nil }
        if let planned, speed.map({ planned <= $0 }) ?? true {
            return Capacity(bitsPerSecond: planned, source: .planned, basis: "planned capacity")
        }
        guard let speed, let end = negotiated?.0 else { return nil }
        return Capacity(bitsPerSecond: speed, source: .negotiated, basis: "negotiated speed of \(end.device) \(end.interface)")
    }

    /// The share of the window the measured samples cover: measured samples × the usual spacing of samples, over
    /// the window. Nil with fewer than two samples (the spacing is unknown).
    public static func coverage(_ samples: [InterfaceMeasurement], window: TimeInterval) -> Double? {
        guard samples.count >= 2, window > 0 else { return nil }
        let times = samples.map(\.time.timeIntervalSince1970).sorted()
        guard let spacing = Percentile.nearestRank(0.5, of: zip(times.dropFirst(), times).map { $0 - $1 }), spacing > 0 else { return nil }
        let measured = samples.filter { $0.unknownReason == nil }.count
        return min(1, Double(measured) * spacing / window)
    }

    private enum CodingKeys: String, CodingKey {
        case link, from, to, measuredEnd, resolution, capacity, negotiatedSpeed, downstream, upstream, coverage, congestionThreshold
        case minimumCoverage, status, problem, busierDirection, p95, p95Utilisation, congestedThroughout
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(link, forKey: .link)
        try container.encode(from, forKey: .from)
        try container.encode(to, forKey: .to)
        try container.encodeIfPresent(measuredEnd, forKey: .measuredEnd)
        try container.encode(resolution, forKey: .resolution)
        try container.encodeIfPresent(capacity, forKey: .capacity)
        try container.encodeIfPresent(negotiatedSpeed, forKey: .negotiatedSpeed)
        try container.encode(downstream, forKey: .downstream)
        try container.encode(upstream, forKey: .upstream)
        try container.encodeIfPresent(coverage, forKey: .coverage)
        try container.encode(congestionThreshold, forKey: .congestionThreshold)
        try container.encode(minimumCoverage, forKey: .minimumCoverage)
        try container.encode(status, forKey: .status)
        try container.encodeIfPresent(problem, forKey: .problem)
        try container.encodeIfPresent(busierDirection, forKey: .busierDirection)
        try container.encodeIfPresent(p95, forKey: .p95)
        try container.encodeIfPresent(p95Utilisation, forKey: .p95Utilisation)
        try container.encode(isCongestedThroughout, forKey: .congestedThroughout)
    }
}
