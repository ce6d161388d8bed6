import ArgumentParser
import DaemonHTTP
import Foundation
import Alerting
import Logging
import Model
import Monitor
import Prometheus
import ServiceLifecycle
import SNMP
import Store
import Synchronization
import UnixSignals

/// `edunetd`: the EduNet daemon. Loads and validates the configuration, then polls every SNMP-managed device
/// of the inventory at the interval and stores interface rates, until SIGTERM or SIGINT. SIGHUP reloads the
/// inventory and policies; a new configuration that does not validate is rejected and the old one stays.
@main
struct EdunetDaemon: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edunetd",
        abstract: "The EduNet daemon: polls the city school network and stores what it measures.",
        discussion: """
            Without --config it reads ./inventory and ./policies and writes $EDUNET_DB (else ./edunet.sqlite),
            polling every 60 s. A configuration file (YAML) can set: database, inventory, policies, log_level and
            poll: {interval_seconds, max_devices_in_flight, timeout_seconds, retries, seed}, retention_days,
            http: {listen: HOST:PORT} (default 127.0.0.1:9464: /metrics and /healthz), traps: {port, host, community}
            (default 127.0.0.1:1162 UDP, any community; port 0 turns the trap listener off; community is {env: NAME} or
            {file: PATH}) and alerts: {tick_seconds, evaluate_seconds}; paths are relative to the file.
            Alerts are raised from polls, traps and compliance findings and sent to the receivers of
            policies/alerting.yaml through a durable outbox in the database (see `edunet alerts --help`).
            SIGHUP reloads the inventory and policies (an invalid new one is rejected, the old one stays). Stops cleanly
            on SIGTERM or SIGINT (exit status 0); exit status 1 when the configuration, inventory or policies are
            invalid or a listening port is taken, 3 when the database cannot be opened.
            """
    )

    @Option(help: ArgumentHelp("Configuration file (YAML).", valueName: "file")) var config: String?
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (overrides the file).") var logLevel: Logger.Level?

    func run() async throws {
        let settings: DaemonConfiguration
        do {
            if let config { settings = try DaemonConfiguration.load(path: config) } else {
                settings = DaemonConfiguration(database: ProcessInfo.processInfo.environment["EDUNET_DB"] ?? "edunet.sqlite")
            }
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(1)
        }
        let level = logLevel ?? Logger.Level(rawValue: settings.logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "edunetd")
        let database: StoreDatabase
        do { database = try StoreDatabase(path: settings.database) } catch {
            logger.error("\(error.message)")
            throw ExitCode(3)
        }
        // The configuration is checked before the SNMP engine (and its thread) exists, so that a refusal exits at once.
        let city: CityConfiguration
        do { city = try ConfigurationLoader.load(inventoryDirectory: settings.inventory, policiesDirectory: settings.policies) } catch {
            logger.error("configuration rejected", metadata: ["problems": "\(error.diagnostics.count)"])
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(1)
        }
        let registry = PrometheusCollectorRegistry()
        let factory = PollingLoopFactory(settings: settings, store: MeasurementStore(database: database), engine: SNMPEngine(), logger: logger,
                                         metrics: PollingMetrics(factory: PrometheusMetricsFactory(registry: registry)))
        let alertStore = AlertStore(database: database)
        let engine: AlertEngine
        do { engine = try AlertEngine(store: alertStore, policy: city.policies.alerting, logger: logger, at: Date()) } catch {
            logger.error("\(error.message)")
            throw ExitCode(3)
        }
        let alertingMetrics = AlertingMetrics(factory: PrometheusMetricsFactory(registry: registry))
        let worker = DeliveryWorker(store: alertStore, policy: city.policies.alerting, client: WebhookClient(), engine: engine, logger: logger,
                                    metrics: alertingMetrics)
        let current = CurrentLoop()
        let monitor = AlertMonitor(engine: engine, configuration: city, measurements: factory.store, logger: logger, metrics: alertingMetrics) {
            await current.unreachableSince()
        }
        let listener: SNMPTrapListener?
        do { listener = try await Self.trapListener(settings, logger: logger) } catch {
            await factory.engine.shutdown()
            FileHandle.standardError.write(Data("edunetd: \(error.message)\n".utf8))
            throw ExitCode(1)
        }
        let polling = PollingService(first: factory.make(city), factory: factory, current: current, statusStore: DaemonStatusStore(database: database),
                                     logger: logger) { city in
            await monitor.update(configuration: city)
            await worker.update(policy: city.policies.alerting)
        }
        let alerting = AlertingService(monitor: monitor, worker: worker, listener: listener, metrics: alertingMetrics, settings: settings, logger: logger)
        let server = DaemonHTTPServer(host: settings.httpHost, port: settings.httpPort, registry: registry) {
            await polling.health(at: Date())
        }
        let http = server.application { port in logger.notice("http listening", metadata: ["address": "\(settings.httpHost)", "port": "\(port)"]) }
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: polling, successTerminationBehavior: .gracefullyShutdownGroup),
                       .init(service: alerting, successTerminationBehavior: .gracefullyShutdownGroup),
                       .init(service: http, successTerminationBehavior: .gracefullyShutdownGroup)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        ))
        do { try await group.run() } catch {
            await factory.engine.shutdown()
            let message = server.explain(error) ?? "\(error)"
            logger.error("stopped on an error", metadata: ["error": "\(message)"])
            FileHandle.standardError.write(Data("edunetd: \(message)\n".utf8))
            throw ExitCode(1)
        }
        await factory.engine.shutdown()
        logger.info("stopped")
    }

    /// The trap listener the configuration asks for (none for port 0), with its community read from its reference.
    static func trapListener(_ settings: DaemonConfiguration, logger: Logger) async throws(SNMPError) -> SNMPTrapListener? {
        guard settings.trapPort != 0 else { return nil }
        var communities: [String]?
        if let reference = settings.trapCommunity {
            do { communities = [try reference.resolve()] } catch {
                throw SNMPError(.invalidRequest, device: "traps.community", error.description)
            }
        }
        let listener = try await SNMPTrapListener(host: settings.trapHost, port: settings.trapPort, communities: communities)
        logger.notice("traps listening", metadata: ["address": "\(settings.trapHost)", "port": "\(settings.trapPort)",
                                                    "community": "\(communities == nil ? "any" : "checked")"])
        return listener
    }
}

/// The polling loop in force and the task running it: the polling service swaps them on a reload, and alerting asks
/// the loop what is down.
final class CurrentLoop: Sendable {
    let running = Mutex<(loop: PollingLoop, task: Task<Void, Never>)?>(nil)

    func unreachableSince() async -> [String: Date]? {
        guard let loop = running.withLock({ $0?.loop }) else { return nil }
        return await loop.unreachableSince()
    }
}

/// Runs alerting beside polling: the sources and the engine's steps, the delivery worker, and the trap listener,
/// until a graceful shutdown. Whatever is pending stays in the outbox for the next start.
final class AlertingService: Service, Sendable {
    let monitor: AlertMonitor
    let worker: DeliveryWorker
    let listener: SNMPTrapListener?
    let metrics: AlertingMetrics
    let settings: DaemonConfiguration
    let logger: Logger

    init(monitor: AlertMonitor, worker: DeliveryWorker, listener: SNMPTrapListener?, metrics: AlertingMetrics, settings: DaemonConfiguration,
         logger: Logger) {
        self.monitor = monitor
        self.worker = worker
        self.listener = listener
        self.metrics = metrics
        self.settings = settings
        self.logger = logger
    }

    func run() async throws {
        await cancelWhenGracefulShutdown { [self] in
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.monitor.run(tick: self.settings.alertTick, evaluateEvery: self.settings.alertEvaluation) }
                group.addTask { await self.worker.run() }
                if let listener {
                    group.addTask {
                        for await trap in listener.traps {
                            do throws(StoreError) { try await self.monitor.handle(trap, at: Date()) } catch {
                                self.logger.error("trap not recorded", metadata: ["source": "\(trap.source)", "error": "\(error.message)"])
                            }
                        }
                    }
                    group.addTask { await self.watchDrops(of: listener) }
                }
            }
        }
        await listener?.stop()
    }

    /// Every 10 s: the listener's drops to /metrics, and a warning when traps with another community arrived.
    private func watchDrops(of listener: SNMPTrapListener) async {
        var rejected = 0
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(10))
            let counts = listener.counts
            metrics.record(counts)
            if counts.rejectedCommunity > rejected {
                logger.warning("traps with another community dropped", metadata: ["since_last": "\(counts.rejectedCommunity - rejected)",
                                                                                  "total": "\(counts.rejectedCommunity)"])
                rejected = counts.rejectedCommunity
            }
        }
    }
}

/// Builds polling loops from validated configurations, logging which devices cannot be polled and why.
struct PollingLoopFactory: Sendable {
    let settings: DaemonConfiguration
    let store: MeasurementStore
    let engine: SNMPEngine
    let logger: Logger
    let metrics: PollingMetrics

    /// A loop for the inventory and policies as they are on disk now (for a reload), and that configuration.
    func make() throws(ModelError) -> (PollingLoop, CityConfiguration) {
        let city = try ConfigurationLoader.load(inventoryDirectory: settings.inventory, policiesDirectory: settings.policies)
        return (make(city), city)
    }

    func make(_ city: CityConfiguration) -> PollingLoop {
        let (devices, problems) = PolledDevice.all(in: city.inventory, timeout: settings.snmpTimeout, retries: settings.snmpRetries,
                                                   roleIntervals: city.policies.fleet.pollIntervalSeconds)
        for (reason, entries) in Dictionary(grouping: problems, by: \.reason).sorted(by: { $0.key < $1.key }) {
            let names = entries.map(\.device)
            logger.warning("devices not polled", metadata: [
                "count": "\(names.count)", "reason": "\(reason)",
                "devices": "\(names.prefix(5).joined(separator: ", "))\(names.count > 5 ? ", …" : "")",
            ])
        }
        logger.info("configuration loaded", metadata: [
            "schools": "\(city.inventory.schools.count)", "devices": "\(city.inventory.devices.count)", "polled": "\(devices.count)",
            "interval": "\(settings.pollInterval)", "database": "\(settings.database)",
        ])
        return PollingLoop(devices: devices, poller: DevicePoller(engine: engine), store: store,
                           settings: .init(interval: settings.pollInterval, maxDevicesInFlight: settings.maxDevicesInFlight, seed: settings.seed),
                           logger: logger, metrics: metrics)
    }
}

/// Runs the polling loop until a graceful shutdown (polls under way are cancelled, a batch being written is
/// finished), swapping in a new loop on each SIGHUP whose configuration validates. Every interval it writes its
/// status for `edunet status`, rolls up finished five-minute spans and hands freed memory back to the system;
/// every hour it deletes rates older than the retention and roll-ups older than 400 days.
final class PollingService: Service, Sendable {
    let first: PollingLoop
    let factory: PollingLoopFactory
    let statusStore: DaemonStatusStore
    let logger: Logger
    /// The loop in force, shared with alerting.
    let current: CurrentLoop
    /// Told of each configuration a reload puts in force.
    let reloaded: @Sendable (CityConfiguration) async -> Void

    init(first: PollingLoop, factory: PollingLoopFactory, current: CurrentLoop, statusStore: DaemonStatusStore, logger: Logger,
         reloaded: @escaping @Sendable (CityConfiguration) async -> Void) {
        self.first = first
        self.factory = factory
        self.current = current
        self.statusStore = statusStore
        self.logger = logger
        self.reloaded = reloaded
    }

    /// For `/healthz`: healthy while the loop runs and not every device is down or late.
    func health(at now: Date) async -> (healthy: Bool, detail: String) {
        guard let loop = current.running.withLock({ $0?.loop }) else { return (false, "starting: no polling loop yet") }
        let status = await loop.status(at: now)
        let cycle = status.lastCycleSeconds.map { String(format: "last cycle %.1f s", $0) } ?? "first cycle under way"
        let detail = "\(status.devicesPolled) devices, \(status.devicesDown.count) down, \(status.devicesLate.count) late; \(cycle)"
        let healthy = status.devicesPolled == 0 || status.devicesLate.count < status.devicesPolled
        return (healthy, (healthy ? "ok: " : "unhealthy: every device is late: ") + detail)
    }

    func run() async throws {
        let reloads = await UnixSignalsSequence(trapping: .sighup)
        @Sendable func start(_ loop: PollingLoop) {
            current.running.withLock { $0 = (loop, Task { await loop.run() }) }
        }
        logger.info("ready")
        start(first)
        let housekeeping = Task { await keepHouse(current: { current.running.withLock { $0?.loop } }) }
        await cancelWhenGracefulShutdown { [self] in
            await withTaskCancellationHandler {
                for await _ in reloads {
                    do throws(ModelError) {
                        let (loop, city) = try factory.make()
                        let old = current.running.withLock { $0 }
                        old?.task.cancel()
                        await old?.task.value
                        if let old { await loop.adopt(downSince: await old.loop.currentlyDown) }
                        start(loop)
                        await reloaded(city)
                        logger.notice("reloaded")
                    } catch {
                        logger.error("reload rejected; the previous configuration stays in force", metadata: ["problems": "\(error.diagnostics.count)"])
                        for diagnostic in error.diagnostics { logger.error("\(diagnostic.description)") }
                    }
                }
            } onCancel: {
                current.running.withLock { $0?.task.cancel() }
            }
        }
        housekeeping.cancel()
        await housekeeping.value
        let last = current.running.withLock { $0 }
        await last?.task.value
        if let loop = last?.loop {
            var status = await loop.status(at: Date())
            status.stoppedAt = status.heartbeatAt
            try? statusStore.write(status)
        }
        if let statistics = await last?.loop.statistics {
            logger.info("shutting down", metadata: ["polls": "\(statistics.polls)", "failures": "\(statistics.failures)",
                                                     "measurements": "\(statistics.measurements)"])
        }
    }
}

extension PollingService {
    private func keepHouse(current: @Sendable () -> PollingLoop?) async {
        var lastPrune = Date.distantPast
        while !Task.isCancelled {
            let now = Date()
            if let loop = current() {
                do { try statusStore.write(await loop.status(at: now)) } catch { logger.error("\(error.message)") }
            }
            // Five-minute spans are rolled up two intervals (and a minute) after they end, so that the polls still in
            // flight when a span ends, whose rates are stamped inside it, have landed first.
            let settled = now.addingTimeInterval(-2 * (factory.settings.pollInterval / .seconds(1)) - 60)
            do { try factory.store.rollUp(through: settled) } catch { logger.error("\(error.message)") }
            if now.timeIntervalSince(lastPrune) >= 3600 {
                lastPrune = now
                let cutoff = now.addingTimeInterval(-Double(factory.settings.retentionDays) * 86_400)
                do {
                    let removed = try factory.store.prune(olderThan: cutoff)
                    try factory.store.pruneRollups(olderThan: now.addingTimeInterval(-400 * 86_400))
                    if removed > 0 { logger.info("old rates removed", metadata: ["rows": "\(removed)", "retention_days": "\(factory.settings.retentionDays)"]) }
                } catch {
                    logger.error("\(error.message)")
                }
            }
            Self.returnFreedMemory()
            try? await Task.sleep(for: factory.settings.pollInterval)
        }
    }
}

extension PollingService {
    /// A poll's answers are many small short-lived allocations, and glibc keeps freed memory for reuse unless
    /// asked to give it back (`malloc_trim`, which Swift's Glibc module does not export: looked up at run time).
    static func returnFreedMemory() {
        #if canImport(Glibc)
        typealias MallocTrim = @convention(c) (Int) -> Int32
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") {
            _ = unsafeBitCast(symbol, to: MallocTrim.self)(0)
        }
        #endif
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
