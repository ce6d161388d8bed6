import Alerting
import Compliance
import Foundation
import Logging
import Model
import Monitor
import Pool
import SNMP
import Security
import Store

/// Runs the alert sources on their schedules and the engine's periodic step: reachability, link state, congestion, APs and
/// e-book terminals every evaluation interval, compliance every `rules.compliance_fail.every_minutes`, traps as they arrive.
public actor AlertMonitor {
    private let engine: AlertEngine
    private let measurements: MeasurementStore
    private let downSince: @Sendable () async -> [String: Date]?
    private let logger: Logger
    private let metrics: AlertingMetrics
    private let trapMetrics: TrapMetrics
    private var configuration: CityConfiguration
    private var topology: AlertTopology
    private var lastCompliance: Date?
    /// Every device's interfaces as last read: each evaluation reads again only those written since.
    private var interfaceStates = MeasurementStore.InterfaceStates()
    /// When the posture probes last asked each device with forbidden communities: the authenticationFailure traps those
    /// wrong communities make a device send are the daemon's own doing, not someone guessing.
    private var probedAt: [String: Date] = [:]
    /// How long after a probe a device's authenticationFailure traps are taken for the probe's.
    static let ownProbeTraps: TimeInterval = 120

    /// `downSince` reports the devices whose polls fail and since when (the polling loop's view), nil while it does
    /// not know yet (its first cycle).
    public init(
        engine: AlertEngine, configuration: CityConfiguration, measurements: MeasurementStore, logger: Logger,
        metrics: AlertingMetrics = .none, trapMetrics: TrapMetrics = .none, downSince: @escaping @Sendable () async -> [String: Date]?
    ) {
        self.metrics = metrics
        self.trapMetrics = trapMetrics
        self.engine = engine
        self.configuration = configuration
        topology = AlertTopology(inventory: configuration.inventory)
        self.measurements = measurements
        self.logger = logger
        self.downSince = downSince
    }

    /// A reloaded configuration: new topology, routes and timing from the next step.
    public func update(configuration: CityConfiguration) async {
        self.configuration = configuration
        topology = AlertTopology(inventory: configuration.inventory)
        await engine.update(policy: configuration.policies.alerting)
    }

    private var rules: AlertingPolicy.Rules { configuration.policies.alerting.rules }

    /// The e-book terminal alerts read the whole register (a city's 100,000 terminals and more): they are about
    /// conditions of minutes (a lost terminal seen) to days (not seen), so they are judged at most this often.
    static let fleetEvery: TimeInterval = 60
    private var lastFleet: Date?

    /// Reachability, link state, congestion, APs, the cloud, and (at most every `fleetEvery`) the e-book terminals,
    /// as they are at `now`.
    public func evaluate(at now: Date) async throws(StoreError) {
        // Nil until the first poll cycle is over.
        let down = await downSince()
        if let down {
            let firing = await engine.firing(rule: "device_unreachable")
            try await engine.evaluate(
                rules: AlertSources.reachabilityRules,
                active: AlertSources.unreachable(downSince: down, firing: firing, at: now, topology: topology, rules: rules), at: now)
        }
        try measurements.update(&interfaceStates)
        let interfaces = interfaceStates.byDevice
        let links =
            AlertSources.linksDown(interfaces: interfaces, topology: topology, rules: rules)
            + (try AlertSources.congested(
                store: measurements, interfaces: interfaces, at: now, topology: topology,
                threshold: configuration.policies.bandwidth.congestionThreshold, rules: rules))
        try await engine.evaluate(rules: AlertSources.linkRules, active: links, at: now)
        // The controllers' polls of the last ten minutes (or two of their intervals, when longer): a controller that
        // stopped answering leaves its APs to its own unreachable alert, their parent, rather than to stale states.
        let controllerInterval = configuration.policies.fleet.pollIntervalSeconds[.wirelessController] ?? 0
        let recent = now.addingTimeInterval(-max(600, 2 * controllerInterval))
        let register = AccessPointRegister(inventory: configuration.inventory, statuses: try measurements.accessPoints(since: recent))
        try await engine.evaluate(
            rules: AlertSources.accessPointRules,
            active: AlertSources.accessPointsDown(register, topology: topology, rules: rules), at: now)
        // The terminals wait for the first poll cycle too: judged before the controllers' first polls, every terminal
        // would read as not seen, and the next judgement would be a minute away.
        if down != nil, lastFleet.map({ now.timeIntervalSince($0) >= Self.fleetEvery }) ?? true {
            lastFleet = now
            try await engine.evaluate(
                rules: AlertSources.fleetRules,
                active: AlertSources.fleet(
                    try FleetStore(database: measurements.database).statuses(), at: now, policy: configuration.policies.fleet,
                    topology: topology, rules: rules), at: now)
        }
        // As compliance does, the cloud waits for the first poll cycle: before it, a host not polled yet would read as down.
        if down != nil { try await evaluatePool(at: now) }
    }

    /// The replicas' health checks asked, then the education cloud's alerts from its verdicts.
    func evaluatePool(at now: Date) async throws(StoreError) {
        let pool = configuration.inventory.computePool
        guard !pool.sites.isEmpty else { return }
        let evaluator = ComplianceEvaluator(configuration: configuration, store: measurements)
        let register = evaluator.poolRegister
        if pool.services.contains(where: { !$0.health.isEmpty }) {
            let checks = await ServiceHealthProbe(timeout: register.policy.healthTimeoutSeconds).check(pool, at: now)
            // Checks cut short by the daemon stopping say nothing about the replicas.
            guard !Task.isCancelled else { return }
            try register.store.record(checks)
        }
        let verdicts: PoolVerdicts
        do { verdicts = try PoolVerdicts.read(register: register, at: now, freshness: evaluator.hostFreshness) } catch {
            throw StoreError(.readFailed, error.message)
        }
        try await engine.evaluate(rules: AlertSources.poolRules, active: AlertSources.pool(verdicts, rules: rules), at: now)
    }

    /// Compliance over the policy's window ending at `now`.
    public func evaluateCompliance(at now: Date) async throws(StoreError) {
        lastCompliance = now
        let findings = try ComplianceEvaluator(configuration: configuration, store: measurements)
            .evaluate(from: now.addingTimeInterval(-rules.complianceWindowHours * 3600), to: now)
        try await engine.evaluate(
            rules: AlertSources.complianceRules,
            active: AlertSources.complianceFailures(findings, topology: topology, rules: rules), at: now)
    }

    /// The posture rules at `now`, after a probe: a default community is an alert at once, not at the next compliance
    /// evaluation (which judges these rules too, with the same fingerprints, and keeps its own schedule).
    public func evaluatePosture(at now: Date) async throws(StoreError) {
        let findings = try ComplianceEvaluator(configuration: configuration, store: measurements).postureFindings(at: now)
        try await engine.evaluate(
            rules: AlertSources.postureRules, active: AlertSources.complianceFailures(findings, topology: topology, rules: rules), at: now)
    }

    /// The posture probes are about to ask these devices with forbidden communities, at `now`.
    public func probing(_ devices: [String], at now: Date) {
        for device in devices { probedAt[device] = now }
    }

    /// One received trap.
    public func handle(_ trap: SNMPTrap, at now: Date) async throws(StoreError) {
        trapMetrics.received.increment()
        if trap.generic == .authenticationFailure, let device = topology.device(atAddress: trap.source),
            let probed = probedAt[device.id], now.timeIntervalSince(probed) < Self.ownProbeTraps
        {
            logger.debug("authenticationFailure from the daemon's own community probe", metadata: ["device": "\(device.id)"])
            return
        }
        switch AlertSources.trap(trap, topology: topology, rules: rules) {
        case .raise(let signal, let hold): try await engine.raise(signal, hold: hold, at: now)
        case .resolve(let fingerprint): try await engine.resolve(fingerprint: fingerprint, at: now)
        case .ignore: logger.debug("trap ignored", metadata: ["source": "\(trap.source)", "trap": "\(trap.trapOID)"])
        }
    }

    /// What live capture on `interface` found (firing events only; the hold resolves it when no frame shows it again).
    public func handle(_ event: SecurityEvent, interface: String, at now: Date) async throws(StoreError) {
        guard let signal = AlertSources.security(event, interface: interface, topology: topology) else { return }
        try await engine.raise(signal, hold: rules.securityEventHoldMinutes * 60, at: now)
    }

    /// A port the daemon quarantined: fires until `released`.
    public func quarantined(plan: String, changes: [ProvisioningChange], trigger: String, mac: String, until: Date, at now: Date)
        async throws(StoreError)
    {
        try await engine.raise(
            AlertSources.quarantined(plan: plan, changes: changes, trigger: trigger, mac: mac, until: until, topology: topology), hold: nil, at: now)
    }

    /// The quarantine of `plan` ended (released at its end, or undone by hand).
    public func released(plan: String, at now: Date) async throws(StoreError) {
        try await engine.resolve(fingerprint: AlertFingerprint.of(rule: "port_quarantined", subject: plan), at: now)
    }

    /// A plan on probation set back because no one confirmed it: an event, held as the security events are.
    public func setBack(_ deadline: ProvisioningDeadline, entries: [ProvisioningAuditEntry], at now: Date) async throws(StoreError) {
        try await engine.raise(AlertSources.setBack(deadline, entries: entries), hold: rules.securityEventHoldMinutes * 60, at: now)
    }

    /// Until cancelled: the engine's step every `tick`, the sources every `evaluateEvery`, compliance on its own
    /// schedule, and every hour resolved alerts and delivered messages older than `keepDays` are deleted. A failing
    /// step is logged and tried again next time; nothing half-done is stored.
    public func run(tick: Duration, evaluateEvery: Duration, keepDays: Double = 90) async {
        var lastEvaluation = Date.distantPast
        var lastPrune = Date.distantPast
        while !Task.isCancelled {
            let now = Date()
            do {
                if now.timeIntervalSince(lastEvaluation) >= evaluateEvery / .seconds(1) {
                    lastEvaluation = now
                    try await evaluate(at: now)
                    let counts = try await engine.counts()
                    metrics.record(firing: counts.firing, outbox: counts.outbox)
                }
                // The first compliance evaluation waits for the first poll cycle: before it, what the devices report
                // (negotiated speeds, APs) is not stored yet and most findings would be unknown for an hour.
                let complianceDue =
                    if let last = lastCompliance { now.timeIntervalSince(last) >= rules.complianceEveryMinutes * 60 } else {
                        await downSince() != nil
                    }
                if complianceDue { try await evaluateCompliance(at: now) }
                try await engine.tick(at: now)
                if now.timeIntervalSince(lastPrune) >= 3600 {
                    lastPrune = now
                    let removed = try await engine.prune(olderThan: now.addingTimeInterval(-keepDays * 86_400))
                    if removed > 0 { logger.info("old alerts removed", metadata: ["alerts": "\(removed)", "keep_days": "\(keepDays)"]) }
                }
            } catch {
                logger.error("alert step failed; tried again next tick", metadata: ["error": "\(error.message)"])
            }
            try? await Task.sleep(for: tick)
        }
    }
}
