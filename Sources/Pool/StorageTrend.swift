import Foundation
import Store

/// Days until a storage pool is full at the least-squares trend of its hosts' use: each host's file system fitted
/// on its own (from the daily sums the store keeps, so every sample of the window counts), the slopes summed.
public struct StorageTrend: Sendable {
    /// Bytes a day the pool's use grows by; nil when it could not be fitted.
    public var growthPerDay: Double?
    public var used: UInt64
    public var size: UInt64
    public var samples: Int
    /// Hours between the first and the last sample of the series.
    public var spanHours: Double
    /// Nil, with `unknownReason`, when too few hours, a flat or falling trend, or a size the agent caps.
    public var daysUntilFull: Double?
    public var unknownReason: String?
    /// The hosts (devices) and how many samples each.
    public var hosts: [(device: String, samples: Int)]

    /// The slope of one series in bytes a second, nil when its times do not vary.
    static func slope(_ s: PoolStore.StorageSeries) -> Double? {
        let n = Double(s.samples)
        let denominator = n * s.sumTT - s.sumT * s.sumT
        guard s.samples >= 2, denominator > 0 else { return nil }
        return (n * s.sumTU - s.sumT * s.sumU) / denominator
    }

    public init(series: [PoolStore.StorageSeries], minimumHours: Double) {
        used = series.reduce(0) { $0 + $1.lastUsed }
        size = series.reduce(0) { $0 + $1.size }
        samples = series.reduce(0) { $0 + $1.samples }
        hosts = series.map { ($0.device, $0.samples) }
        let first = series.map(\.first).min()
        let last = series.map(\.last).max()
        spanHours = first.flatMap { f in last.map { $0.timeIntervalSince(f) / 3600 } } ?? 0
        if series.isEmpty {
            unknownReason = "no host of the pool has reported this file system (hrStorageTable)"
            return
        }
        if let capped = series.first(where: { $0.capped }) {
            unknownReason =
                "\(capped.device) reports \(capped.storage) at the Integer32 cap of hrStorageSize (2³¹−1 allocation units): its size is not known; "
                + "the agent must use larger allocation units"
            return
        }
        guard spanHours >= minimumHours else {
            unknownReason = String(format: "too few days: %.1f h of samples, %.0f h needed for a trend", spanHours, minimumHours)
            return
        }
        let slopes = series.compactMap(Self.slope)
        guard slopes.count == series.count else {
            unknownReason = "a host has too few samples for a trend"
            return
        }
        let perDay = slopes.reduce(0, +) * 86_400
        growthPerDay = perDay
        guard perDay > 0 else {
            unknownReason = "the trend is flat or falling: the pool does not fill at this rate"
            return
        }
        daysUntilFull = Double(size > used ? size - used : 0) / perDay
    }
}
