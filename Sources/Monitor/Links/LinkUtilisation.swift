import Foundation
import Model

/// How full a planned link has been over a window: the latest rates, the 95th percentile of the busier
/// direction, and the share of the window's intervals that were measured (unknown intervals are not zeros).
public struct LinkUtilisation: Sendable, Hashable, Codable {
    /// Whether the link's p95 stays under the policy's congestion threshold, or why that is not known.
    public enum Status: String, Sendable, Hashable, Codable {
        case ok, congested
        case noData = "no data"
        case noCapacity = "no capacity"
        /// A polled device has no interface of the name the link gives: the plan and the network disagree.
        case interfaceMissing = "interface missing"
        /// The interface is there but operationally down.
        case down
    }

    public var link: Link
    /// The end whose interface was measured (the downstream end when it has data).
    public var measuredEnd: LinkEnd?
    public var latestIn: Double?
    public var latestOut: Double?
    /// p95 of max(in, out) over the window's measured intervals, bits per second.
    public var p95: Double?
    /// Measured intervals / all stored intervals in the window.
    public var coverage: Double?
    public var status: Status
    /// The negotiated speed at the measured end (or either end), bits per second, as the device last reported it.
    public var negotiatedSpeed: UInt64?
    /// What is wrong beyond the numbers: which end lacks the interface or is down.
    public var problem: String?

    public var p95Utilisation: Double? {
        guard let p95, let capacity = link.capacity?.bitsPerSecond, capacity > 0 else { return nil }
        return p95 / Double(capacity)
    }

    /// Judges one link from the measurements of its two ends (downstream first) and, when known, the interfaces
    /// each end's device reported at its last poll (nil: that device has not been polled).
    public static func evaluate(_ link: Link, downstream: [InterfaceMeasurement], upstream: [InterfaceMeasurement],
                                downstreamInterfaces: [String: InterfaceStatus]? = nil, upstreamInterfaces: [String: InterfaceStatus]? = nil,
                                congestionThreshold: Double) -> LinkUtilisation {
        let (end, samples) = downstream.isEmpty ? (upstream.isEmpty ? nil : link.a, upstream) : (link.b, downstream)
        let measured = samples.filter { $0.unknownReason == nil }
        let peaks = measured.compactMap { m in [m.inBitsPerSecond, m.outBitsPerSecond].compactMap { $0 }.max() }
        let latest = samples.max { $0.time < $1.time }
        var result = LinkUtilisation(link: link, measuredEnd: end, latestIn: latest?.inBitsPerSecond, latestOut: latest?.outBitsPerSecond,
                                     p95: Percentile.nearestRank(0.95, of: peaks),
                                     coverage: samples.isEmpty ? nil : Double(measured.count) / Double(samples.count), status: .noData)
        if let utilisation = result.p95Utilisation {
            result.status = utilisation > congestionThreshold ? .congested : .ok
        } else if result.p95 != nil {
            result.status = .noCapacity
        }
        let ends = [(link.b, downstreamInterfaces), (link.a, upstreamInterfaces)]
        result.negotiatedSpeed = ends.lazy.compactMap { end, interfaces in interfaces?[end.interface]?.speedBitsPerSecond }.first
        if let (end, _) = ends.first(where: { end, interfaces in interfaces.map { $0[end.interface] == nil } ?? false }) {
            result.status = .interfaceMissing
            result.problem = "\(end.device) has no interface \(end.interface)"
        } else if let (end, _) = ends.first(where: { end, interfaces in interfaces?[end.interface]?.operUp == false }) {
            result.status = .down
            result.problem = "\(end.device) \(end.interface) is down"
        }
        return result
    }
}

/// Percentiles as reports state them.
public enum Percentile {
    /// The nearest-rank percentile (the smallest value with at least `p` of the values at or below it); nil when empty.
    public static func nearestRank(_ p: Double, of values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}
