import CoreMetrics

/// The daemon's polling figures as swift-metrics instruments, made from an injected factory (the daemon's
/// Prometheus registry, or a test's), so that nothing is bootstrapped globally.
public struct PollingMetrics: Sendable {
    let polls: Counter
    let failures: Counter
    let varbinds: Counter
    let measurements: Counter
    let pollDuration: Timer
    let lateness: Timer
    let cycleSeconds: Gauge
    let cycleLatenessSeconds: Gauge
    let devicesDown: Gauge
    let devices: Gauge

    public init(factory: any MetricsFactory) {
        polls = Counter(label: "edunet_polls_total", factory: factory)
        failures = Counter(label: "edunet_poll_failures_total", factory: factory)
        varbinds = Counter(label: "edunet_snmp_varbinds_total", factory: factory)
        measurements = Counter(label: "edunet_interface_measurements_total", factory: factory)
        pollDuration = Timer(label: "edunet_poll_duration_seconds", factory: factory)
        lateness = Timer(label: "edunet_poll_lateness_seconds", factory: factory)
        cycleSeconds = Gauge(label: "edunet_poll_cycle_seconds", factory: factory)
        cycleLatenessSeconds = Gauge(label: "edunet_poll_cycle_max_lateness_seconds", factory: factory)
        devicesDown = Gauge(label: "edunet_devices_down", factory: factory)
        devices = Gauge(label: "edunet_devices_polled", factory: factory)
    }

    /// Instruments that record nothing, for tools and tests that do not export metrics.
    public static var none: PollingMetrics { PollingMetrics(factory: NOOPMetricsHandler.instance) }
}
