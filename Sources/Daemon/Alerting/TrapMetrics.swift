import CoreMetrics
import SNMP

/// The trap listener's figures on /metrics: traps received, and those dropped by reason (another community,
/// undecodable). Apart from alerting's own metrics, since the listener is the daemon's, not the alert engine's.
public struct TrapMetrics: Sendable {
    let received: Counter
    let rejected: Gauge
    let undecodable: Gauge

    public init(factory: any MetricsFactory) {
        received = Counter(label: "edunet_snmp_traps_total", factory: factory)
        rejected = Gauge(label: "edunet_snmp_traps_dropped", dimensions: [("reason", "community")], factory: factory)
        undecodable = Gauge(label: "edunet_snmp_traps_dropped", dimensions: [("reason", "undecodable")], factory: factory)
    }

    /// Instruments that record nothing.
    public static var none: TrapMetrics { TrapMetrics(factory: NOOPMetricsHandler.instance) }

    /// The listener's drops so far.
    public func record(_ counts: SNMPTrapListener.Counts) {
        rejected.record(counts.rejectedCommunity)
        undecodable.record(counts.undecodable)
    }
}
