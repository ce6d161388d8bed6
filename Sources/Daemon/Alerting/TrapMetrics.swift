import CoreMetrics
import SNMP

/// The trap listener's figures on /metrics: traps received, and those dropped by reason (another community,
/// undecodable, SNMPv3 authentication or decryption failed, below the user's security level). Apart from alerting's own metrics, since the listener is the daemon's, not the alert engine's.
public struct TrapMetrics: Sendable {
    let received: Counter
    let rejected: Gauge
    let undecodable: Gauge
    let usm: Gauge
    let securityLevel: Gauge

    public init(factory: any MetricsFactory) {
        received = Counter(label: "edunet_snmp_traps_total", factory: factory)
        rejected = Gauge(label: "edunet_snmp_traps_dropped", dimensions: [("reason", "community")], factory: factory)
        undecodable = Gauge(label: "edunet_snmp_traps_dropped", dimensions: [("reason", "undecodable")], factory: factory)
        usm = Gauge(label: "edunet_snmp_traps_dropped", dimensions: [("reason", "usm")], factory: factory)
        securityLevel = Gauge(label: "edunet_snmp_traps_dropped", dimensions: [("reason", "security_level")], factory: factory)
    }

    /// Instruments that record nothing.
    public static var none: TrapMetrics { TrapMetrics(factory: NOOPMetricsHandler.instance) }

    /// The listener's drops so far.
    public func record(_ counts: SNMPTrapListener.Counts) {
        rejected.record(counts.rejectedCommunity)
        undecodable.record(counts.undecodable)
        usm.record(counts.rejectedUSM)
        securityLevel.record(counts.rejectedSecurityLevel)
    }
}
