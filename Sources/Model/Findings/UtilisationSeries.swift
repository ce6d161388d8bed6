import Foundation

/// A link's utilisation over a window, as the compliance report charts it beside a delivered-capacity finding:
/// computed by the evaluator from the link's one utilisation, drawn by the report.
public struct UtilisationSeries: Sendable {
    /// (time, utilisation as a fraction of capacity) of the measured intervals, oldest first.
    public var points: [(Date, Double)]
    public var p95: Double
    public var threshold: Double

    public init(points: [(Date, Double)], p95: Double, threshold: Double) {
        self.points = points
        self.p95 = p95
        self.threshold = threshold
    }
}
