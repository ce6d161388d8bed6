import Capture
import CoreMetrics

/// Live capture's figures on /metrics, per interface: frames read, and libpcap's counters (`pcap_stats`): frames the
/// kernel passed the filter, dropped because the reader fell behind, and dropped by the interface or its driver.
public struct CaptureMetrics: Sendable {
    let frames: Counter
    let received: Gauge
    let dropped: Gauge
    let interfaceDropped: Gauge

    public init(interface: String, factory: any MetricsFactory) {
        let dimension = [("interface", interface)]
        frames = Counter(label: "edunet_capture_frames_total", dimensions: dimension, factory: factory)
        received = Gauge(label: "edunet_capture_pcap_received", dimensions: dimension, factory: factory)
        dropped = Gauge(label: "edunet_capture_pcap_dropped", dimensions: dimension, factory: factory)
        interfaceDropped = Gauge(label: "edunet_capture_pcap_interface_dropped", dimensions: dimension, factory: factory)
    }

    func record(_ statistics: LiveCapture.Statistics, framesSinceLast: Int) {
        frames.increment(by: Int64(framesSinceLast))
        received.record(statistics.received)
        dropped.record(statistics.dropped)
        interfaceDropped.record(statistics.interfaceDropped)
    }
}
