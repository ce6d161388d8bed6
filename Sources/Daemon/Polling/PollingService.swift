import Foundation
import Logging
import Model
import Monitor
import ServiceLifecycle
import Store
import UnixSignals

/// Runs the polling loop until a graceful shutdown (polls under way are cancelled, a batch being written is
/// finished), swapping in a new loop on each SIGHUP whose configuration validates, and the housekeeping beside it.
public final class PollingService: Service, Sendable {
    let first: (loop: PollingLoop, city: CityConfiguration)
    let factory: PollingLoopFactory
    let statusStore: DaemonStatusStore
    let logger: Logger
    /// The loop in force, shared with alerting.
    let current: CurrentLoop
    /// Told of each configuration a reload puts in force.
    let reloaded: @Sendable (CityConfiguration) async -> Void

    public init(
        first: (loop: PollingLoop, city: CityConfiguration), factory: PollingLoopFactory, current: CurrentLoop, statusStore: DaemonStatusStore,
        logger: Logger,
        reloaded: @escaping @Sendable (CityConfiguration) async -> Void
    ) {
        self.first = first
        self.factory = factory
        self.current = current
        self.statusStore = statusStore
        self.logger = logger
        self.reloaded = reloaded
    }

    /// For `/healthz`: healthy while the loop runs and not every device is down or late.
    public func health(at now: Date) async -> (healthy: Bool, detail: String) {
        guard let loop = current.loop else { return (false, "starting: no polling loop yet") }
        let status = await loop.status(at: now)
        let cycle = status.lastCycleSeconds.map { String(format: "last cycle %.1f s", $0) } ?? "first cycle under way"
        let detail = "\(status.devicesPolled) devices, \(status.devicesDown.count) down, \(status.devicesLate.count) late; \(cycle)"
        let healthy = status.devicesPolled == 0 || status.devicesLate.count < status.devicesPolled
        return (healthy, (healthy ? "ok: " : "unhealthy: every device is late: ") + detail)
    }

    /// Starts `loop` as the one in force, for `city`.
    func start(_ loop: PollingLoop, for city: CityConfiguration) {
        current.fullResolution.withLock { $0 = city.fullResolutionInterfaces }
        current.running.withLock { $0 = (loop, Task { await loop.run() }) }
    }

    /// Reads the inventory and policies from disk again. When they validate, the running loop is stopped, the new one
    /// takes over what was down (so outages keep their start) and starts, and `reloaded` is told; when they do not,
    /// every problem is logged and the loop in force stays. Returns whether the new configuration was put in force.
    @discardableResult
    public func reload() async -> Bool {
        do throws(ModelError) {
            let (loop, city) = try factory.make()
            let old = current.running.withLock { $0 }
            old?.task.cancel()
            await old?.task.value
            if let old { await loop.adopt(downSince: await old.loop.currentlyDown) }
            start(loop, for: city)
            await reloaded(city)
            logger.notice("reloaded")
            return true
        } catch {
            logger.error("reload rejected; the previous configuration stays in force", metadata: ["problems": "\(error.diagnostics.count)"])
            for diagnostic in error.diagnostics { logger.error("\(diagnostic.description)") }
            return false
        }
    }

    public func run() async throws {
        let reloads = await UnixSignalsSequence(trapping: .sighup)
        logger.info("ready")
        start(first.loop, for: first.city)
        let housekeeping = Housekeeping(
            store: factory.store, statusStore: statusStore, pollInterval: factory.settings.pollInterval,
            retentionDays: factory.settings.retentionDays, logger: logger)
        let keeping = Task { [current] in
            await housekeeping.run(clock: ContinuousClock(), now: Date.init) { (current.loop, current.fullResolution.withLock { $0 }) }
        }
        await cancelWhenGracefulShutdown { [self] in
            await withTaskCancellationHandler {
                for await _ in reloads { await reload() }
            } onCancel: {
                current.stop()
            }
        }
        keeping.cancel()
        await keeping.value
        let last = current.running.withLock { $0 }
        await last?.task.value
        if let loop = last?.loop {
            var status = await loop.status(at: Date())
            status.stoppedAt = status.heartbeatAt
            try? statusStore.write(status)
        }
        if let statistics = await last?.loop.statistics {
            logger.info(
                "shutting down",
                metadata: [
                    "polls": "\(statistics.polls)", "failures": "\(statistics.failures)",
                    "measurements": "\(statistics.measurements)",
                ])
        }
    }
}
