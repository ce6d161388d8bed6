import API
import Alerting
import Capture
import DaemonHTTP
import Foundation
import Logging
import Model
import Monitor
import Prometheus
import SNMP
import Security
import ServiceLifecycle
import Store

/// The daemon as a value: every service `edunetd` runs (polling with reload and housekeeping, alerting with its
/// sources, delivery and trap listener, live capture, the graded-protection probes, provisioning's deadlines and
/// quarantines, the HTTP endpoints), built from one configuration and wired to
/// each other.
/// The executable parses arguments and runs `run()`; tests build the same services.
public struct Daemon: Sendable {
    public let settings: DaemonConfiguration
    public let polling: PollingService
    public let alerting: AlertingService
    public let capture: CaptureService
    public let posture: PostureService
    public let provisioning: ProvisioningService
    let server: DaemonHTTPServer
    let engine: SNMPEngine
    let logger: Logger

    /// Opens the database, loads and validates the inventory and policies (before the SNMP engine and its thread
    /// exist, so that a refusal returns at once), and builds the services.
    public static func make(settings: DaemonConfiguration, logger: Logger) async throws(DaemonError) -> Daemon {
        let database: StoreDatabase
        do { database = try StoreDatabase(path: settings.database) } catch { throw DaemonError(.database, error.message) }
        let city: CityConfiguration
        do { city = try ConfigurationLoader.load(inventoryDirectory: settings.inventory, policiesDirectory: settings.policies) } catch {
            logger.error("configuration rejected", metadata: ["problems": "\(error.diagnostics.count)"])
            throw DaemonError(.configuration, error.description)
        }
        let registry = PrometheusCollectorRegistry()
        let metricsFactory = PrometheusMetricsFactory(registry: registry)
        let factory = PollingLoopFactory(
            settings: settings, store: MeasurementStore(database: database), engine: SNMPEngine(), logger: logger,
            metrics: PollingMetrics(factory: metricsFactory))
        let alertStore = AlertStore(database: database)
        let alertEngine: AlertEngine
        do { alertEngine = try AlertEngine(store: alertStore, policy: city.policies.alerting, logger: logger, at: Date()) } catch {
            await factory.engine.shutdown()
            throw DaemonError(.database, error.message)
        }
        let alertingMetrics = AlertingMetrics(factory: metricsFactory)
        let trapMetrics = TrapMetrics(factory: metricsFactory)
        let worker = DeliveryWorker(
            store: alertStore, policy: city.policies.alerting, client: WebhookClient(), engine: alertEngine, logger: logger,
            metrics: alertingMetrics)
        let current = CurrentLoop()
        let monitor = AlertMonitor(
            engine: alertEngine, configuration: city, measurements: factory.store, logger: logger, metrics: alertingMetrics,
            trapMetrics: trapMetrics
        ) { await current.unreachableSince() }
        let listener: SNMPTrapListener?
        do { listener = try await trapListener(settings, users: notificationUsers(city, logger: logger), logger: logger) } catch {
            await factory.engine.shutdown()
            throw DaemonError(.listener, error.message)
        }
        let posture = PostureService(
            city: city, store: PostureStore(database: database), engine: factory.engine, logger: logger, firstAfter: settings.pollInterval,
            probing: { devices, now in await monitor.probing(devices, at: now) }
        ) { now in
            do throws(StoreError) { try await monitor.evaluatePosture(at: now) } catch { logger.error("\(error.message)") }
        }
        let provisioning = ProvisioningService(
            city: city, store: ProvisioningStore(database: database), engine: factory.engine, monitor: monitor, logger: logger)
        let inForce = ConfigurationInForce(city)
        let api: APIService
        do {
            api = try APIService.make(
                database: database, path: settings.database, configuration: inForce, engine: factory.engine, perMinute: settings.apiRequestsPerMinute)
        } catch {
            await factory.engine.shutdown()
            throw DaemonError(.database, error.description)
        }
        let polling = PollingService(
            first: (factory.make(city), city), factory: factory, current: current, statusStore: DaemonStatusStore(database: database),
            logger: logger
        ) { city in
            await monitor.update(configuration: city)
            await worker.update(policy: city.policies.alerting)
            await posture.update(configuration: city)
            await provisioning.update(configuration: city)
            await inForce.update(city)
            await listener?.accept(users: notificationUsers(city, logger: logger))
        }
        let alerting = AlertingService(monitor: monitor, worker: worker, listener: listener, metrics: trapMetrics, settings: settings, logger: logger)
        // Live capture knows the inventory's devices and the fleet register's terminals as the city's own stations.
        let captures: [(capture: LiveCapture, metrics: CaptureMetrics)]
        let stations = KnownStationsFeed(fleet: FleetStore(database: database), configuration: city)
        do {
            captures = try CaptureService.open(settings, factory: metricsFactory)
            if !captures.isEmpty { try stations.refresh() }
        } catch let error as CaptureError {
            await factory.engine.shutdown()
            throw DaemonError(.capture, error.message)
        } catch {
            await factory.engine.shutdown()
            throw DaemonError(.database, "\(error)")
        }
        let capture = CaptureService(
            captures: captures, context: SecurityContext.city(city), stations: stations, monitor: monitor, logger: logger,
            refreshEvery: settings.alertEvaluation
        ) { event in await provisioning.handle(event) }
        let server: DaemonHTTPServer
        do {
            server = try DaemonHTTPServer(host: settings.httpHost, port: settings.httpPort, registry: registry, api: api, tls: settings.httpTLS) {
                await polling.health(at: Date())
            }
        } catch {
            await factory.engine.shutdown()
            throw DaemonError(.configuration, error.description)
        }
        return Daemon(
            settings: settings, polling: polling, alerting: alerting, capture: capture, posture: posture, provisioning: provisioning, server: server,
            engine: factory.engine,
            logger: logger)
    }

    /// Runs every service until SIGTERM or SIGINT, then shuts the SNMP engine down. A service that fails (a taken
    /// HTTP port) stops the others and is reported as a `.listener` error.
    public func run() async throws(DaemonError) {
        let http = server.application { [logger, settings] port in
            logger.notice("http listening", metadata: ["address": "\(settings.httpHost)", "port": "\(port)", "tls": "\(settings.httpTLS != nil)"])
        }
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: polling, successTerminationBehavior: .gracefullyShutdownGroup),
                    .init(service: alerting, successTerminationBehavior: .gracefullyShutdownGroup),
                    // A capture that ends (its interface went away) leaves polling and alerting running.
                    .init(service: capture, successTerminationBehavior: .ignore),
                    .init(service: posture, successTerminationBehavior: .gracefullyShutdownGroup),
                    .init(service: provisioning, successTerminationBehavior: .gracefullyShutdownGroup),
                    .init(service: http, successTerminationBehavior: .gracefullyShutdownGroup),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            ))
        do { try await group.run() } catch {
            await engine.shutdown()
            let message = server.explain(error) ?? "\(error)"
            logger.error("stopped on an error", metadata: ["error": "\(message)"])
            throw DaemonError(.listener, message)
        }
        await engine.shutdown()
        logger.info("stopped")
    }

    /// The inventory's SNMPv3 users (its v3 profiles, secrets resolved now): accepted for v3 traps and informs, so that
    /// a network managed with v3 needs no community for its notifications either.
    static func notificationUsers(_ city: CityConfiguration, logger: Logger) -> [USMUser] {
        city.inventory.snmpProfiles.filter { $0.version == .v3 }.compactMap { profile in
            do {
                if case .v3(let user) = try profile.credentials() { return user }
            } catch {
                logger.warning("SNMPv3 profile not accepted for traps", metadata: ["profile": "\(profile.id)", "reason": "\(error)"])
            }
            return nil
        }
    }

    /// The trap listener the configuration asks for (none for port 0), with its community read from its reference and
    /// the SNMPv3 `users`.
    static func trapListener(_ settings: DaemonConfiguration, users: [USMUser], logger: Logger) async throws(SNMPError) -> SNMPTrapListener? {
        guard settings.trapPort != 0 else { return nil }
        var communities: [String]?
        if let reference = settings.trapCommunity {
            do { communities = [try reference.resolve()] } catch {
                throw SNMPError(.invalidRequest, device: "traps.community", error.description)
            }
        }
        let listener = try await SNMPTrapListener(host: settings.trapHost, port: settings.trapPort, communities: communities, users: users)
        logger.notice(
            "traps listening",
            metadata: [
                "address": "\(settings.trapHost)", "port": "\(settings.trapPort)",
                "community": "\(communities == nil ? "any" : "checked")", "v3_users": "\(users.map(\.name).sorted().joined(separator: ","))",
            ])
        return listener
    }
}

/// Why the daemon could not start or stopped on its own: each code is one exit status of `edunetd`.
public struct DaemonError: Error, Sendable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let name: String
        /// The exit status `edunetd` ends with.
        public let exitStatus: Int32
        /// The configuration, inventory or policies do not validate: fix what the message lists.
        public static let configuration = Code(name: "configuration", exitStatus: 1)
        /// A port (HTTP, traps) cannot be listened on, or a trap community cannot be read.
        public static let listener = Code(name: "listener", exitStatus: 1)
        /// An interface `capture` names cannot be captured on (it does not exist, or capturing needs root).
        public static let capture = Code(name: "capture", exitStatus: 1)
        /// The database cannot be opened or read.
        public static let database = Code(name: "database", exitStatus: 3)
        public var description: String { name }
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
