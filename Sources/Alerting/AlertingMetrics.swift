import CoreMetrics
import Model

/// Alerting's figures as swift-metrics instruments from an injected factory (the daemon's Prometheus registry, or a
/// test's): alerts firing by severity, outbox messages by state, delivery attempts by outcome.
public struct AlertingMetrics: Sendable {
    let firing: [AlertSeverity: Gauge]
    let outbox: [OutboxMessage.State: Gauge]
    let delivered: Counter
    let failed: Counter
    let deadLettered: Counter

    public init(factory: any MetricsFactory) {
        firing = Dictionary(
            uniqueKeysWithValues: AlertSeverity.allCases.map {
                ($0, Gauge(label: "edunet_alerts_firing", dimensions: [("severity", $0.rawValue)], factory: factory))
            })
        outbox = Dictionary(
            uniqueKeysWithValues: OutboxMessage.State.allCases.map {
                ($0, Gauge(label: "edunet_outbox_messages", dimensions: [("state", $0.rawValue)], factory: factory))
            })
        delivered = Counter(label: "edunet_webhook_attempts_total", dimensions: [("outcome", "delivered")], factory: factory)
        failed = Counter(label: "edunet_webhook_attempts_total", dimensions: [("outcome", "failed")], factory: factory)
        deadLettered = Counter(label: "edunet_webhook_attempts_total", dimensions: [("outcome", "dead")], factory: factory)
    }

    /// Instruments that record nothing.
    public static var none: AlertingMetrics { AlertingMetrics(factory: NOOPMetricsHandler.instance) }

    /// The engine's current counts.
    public func record(firing counts: [AlertSeverity: Int], outbox states: [OutboxMessage.State: Int]) {
        for (severity, gauge) in firing { gauge.record(counts[severity] ?? 0) }
        for (state, gauge) in outbox { gauge.record(states[state] ?? 0) }
    }
}
