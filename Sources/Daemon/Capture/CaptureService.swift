import Capture
import CoreMetrics
import Foundation
import Logging
import Model
import Security
import ServiceLifecycle
import Store
import Synchronization

/// Live capture on the mirror ports `edunetd.yaml` names: one thread an interface reads its frames into a
/// `SecurityMonitor` (the accounting and every detector, as `edunet capture analyze` runs them on a file); about once a
/// second the events that fire, new or seen again, are raised as alerts and libpcap's counters go to /metrics. A capture
/// that fails (the interface went away) is logged and ends; polling and alerting go on.
public final class CaptureService: Service, Sendable {
    let captures: [(capture: LiveCapture, metrics: CaptureMetrics)]
    let context: SecurityContext
    let monitor: AlertMonitor
    let logger: Logger

    init(captures: [(capture: LiveCapture, metrics: CaptureMetrics)], context: SecurityContext, monitor: AlertMonitor, logger: Logger) {
        self.captures = captures
        self.context = context
        self.monitor = monitor
        self.logger = logger
    }

    /// Opens every interface the configuration names, so that one that cannot be captured on stops the start.
    static func open(_ settings: DaemonConfiguration, factory: any MetricsFactory) throws(CaptureError)
        -> [(capture: LiveCapture, metrics: CaptureMetrics)]
    {
        try settings.captureInterfaces.map { interface throws(CaptureError) in
            (
                try LiveCapture(
                    interface: interface, filter: settings.captureFilter, snapshot: settings.captureSnapshotBytes,
                    bufferBytes: settings.captureBufferBytes),
                CaptureMetrics(interface: interface, factory: factory)
            )
        }
    }

    public func run() async throws {
        guard !captures.isEmpty else { return }
        let (events, continuation) = AsyncStream.makeStream(of: (interface: String, event: SecurityEvent).self)
        let running = Mutex(captures.count)
        for (capture, metrics) in captures {
            let thread = Thread { [context, logger] in
                var security = SecurityMonitor(context: context)
                var frames = 0
                var reported = 0
                do {
                    try capture.forEachFrame { statistics in
                        metrics.record(statistics, framesSinceLast: frames - reported)
                        reported = frames
                        for event in security.takeChanges() { continuation.yield((capture.interface, event)) }
                    } _: { frame in
                        frames += 1
                        security.observe(frame.bytes, wireLength: frame.wireLength, seconds: frame.time.timeIntervalSince1970)
                    }
                } catch {
                    logger.error("capture stopped", metadata: ["interface": "\(capture.interface)", "error": "\(error)"])
                }
                if running.withLock({ count in
                    count -= 1
                    return count == 0
                }) {
                    continuation.finish()
                }
            }
            thread.name = "capture \(capture.interface)"
            thread.start()
            logger.notice(
                "capturing", metadata: ["interface": "\(capture.interface)", "known_stations": "\(context.knownStations?.count ?? 0)"])
        }
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                for await (interface, event) in events {
                    logger.warning(
                        "security event",
                        metadata: [
                            "kind": "\(event.kind.rawValue)", "interface": "\(interface)", "address": "\(event.address)",
                            "school": "\(event.school ?? "-")", "frames": "\(event.frames)",
                        ])
                    do throws(StoreError) { try await monitor.handle(event, interface: interface, at: Date()) } catch {
                        logger.error("security event not recorded", metadata: ["kind": "\(event.kind.rawValue)", "error": "\(error.message)"])
                    }
                }
            } onGracefulShutdown: {
                self.stopAll()
            }
        } onCancel: {
            self.stopAll()
        }
    }

    private func stopAll() {
        for (capture, _) in captures { capture.stop() }
    }
}
