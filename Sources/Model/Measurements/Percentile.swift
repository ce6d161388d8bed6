/// Percentiles as reports state them: one definition, so that every number a person reads is ranked the same way.
public enum Percentile {
    /// The nearest-rank percentile (the smallest value with at least `p` of the values at or below it); nil when empty.
    public static func nearestRank(_ p: Double, of values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        return sorted[rank(p, count: sorted.count) - 1]
    }

    /// The 1-based rank nearest-rank picks among `count` sorted values: ⌈p × count⌉, at least 1.
    public static func rank(_ p: Double, count: Int) -> Int {
        min(max(Int((p * Double(count)).rounded(.up)), 1), count)
    }
}
