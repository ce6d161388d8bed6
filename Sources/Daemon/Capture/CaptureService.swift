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
    let stations: KnownStationsFeed
    let monitor: AlertMonitor
    let logger: Logger
    /// How often the fleet register's version is looked at.
    let refreshEvery: Duration
    /// Told of each firing event after its alert (the automatic quarantine).
    let acted: @Sendable (SecurityEvent) async -> Void

    init(
        captures: [(capture: LiveCapture, metrics: CaptureMetrics)], context: SecurityContext, stations: KnownStationsFeed, monitor: AlertMonitor,
        logger: Logger, refreshEvery: Duration, acted: @escaping @Sendable (SecurityEvent) async -> Void = { _ in }
    ) {
        self.acted = acted
        self.captures = captures
        self.context = context
        self.stations = stations
        self.monitor = monitor
        self.logger = logger
        self.refreshEvery = refreshEvery
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
            let thread = Thread { [context, stations, logger] in
                var security = SecurityMonitor(context: context)
                var frames = 0
                var reported = 0
                // The known stations are the feed's, from before the first frame on.
                var version = Int64.min
                func takeNewerStations() {
                    guard let newer = stations.newer(than: version) else { return }
                    security.replaceKnownStations(newer.known)
                    version = newer.version
                }
                takeNewerStations()
                do {
                    try capture.forEachFrame { statistics in
                        metrics.record(statistics, framesSinceLast: frames - reported)
                        reported = frames
                        takeNewerStations()
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
                "capturing", metadata: ["interface": "\(capture.interface)", "known_stations": "\(stations.count)"])
        }
        let refreshing = Task { [stations, logger, refreshEvery] in
            while !Task.isCancelled {
                try? await Task.sleep(for: refreshEvery)
                do throws(StoreError) {
                    if let count = try stations.refresh() {
                        logger.notice(
                            "known stations read again", metadata: ["known_stations": "\(count)", "register_version": "\(stations.version)"])
                    }
                } catch {
                    logger.error("\(error.message)")
                }
            }
        }
        defer { refreshing.cancel() }
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
                    if event.fires { await acted(event) }
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

/// The city's known stations for live capture, read again from the fleet register when its version moves (a terminal
/// import or any other change to the register): each capture thread takes the new set within a second, so that a
/// terminal imported while the daemon runs is never reported as an unknown station, and one removed is.
final class KnownStationsFeed: Sendable {
    let fleet: FleetStore
    let configuration: CityConfiguration
    /// Nothing read yet: a version below any the register has.
    private let latest = Mutex<(version: Int64, known: Set<UInt64>?)>((Int64.min, nil))

    init(fleet: FleetStore, configuration: CityConfiguration) {
        self.fleet = fleet
        self.configuration = configuration
    }

    var version: Int64 { latest.withLock { $0.version } }
    /// How many stations are known (0 while the check is off: no terminal registered).
    var count: Int { latest.withLock { $0.known?.count ?? 0 } }

    /// The set, when it is newer than `version`.
    func newer(than version: Int64) -> (version: Int64, known: Set<UInt64>?)? {
        latest.withLock { $0.version > version ? $0 : nil }
    }

    /// Reads the register again when its version moved (at the first call, always); the number of known stations then,
    /// nil when nothing moved.
    @discardableResult
    func refresh() throws(StoreError) -> Int? {
        let current = try fleet.version()
        guard current != version else { return nil }
        let terminals = try fleet.register().terminals.values
        let known = SecurityContext.knownStations(configuration, terminalMACs: terminals.isEmpty ? nil : terminals.flatMap(\.macs))
        latest.withLock { $0 = (current, known) }
        return known?.count ?? 0
    }
}
