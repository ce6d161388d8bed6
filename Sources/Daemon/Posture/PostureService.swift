import Foundation
import Logging
import Model
import Monitor
import SNMP
import ServiceLifecycle
import Store

/// The daemon's graded-protection probes: every `checkEvery` from one poll interval after the start, the inventory's devices whose last community probe is
/// `posture.probe_interval_hours` old (or that were never probed) are asked with `security.yaml`'s forbidden
/// communities, and the probes stored. `probing` is told which devices are about to be asked (their authenticationFailure
/// traps are then the probe's); when any probe was stored, `probed` is told (alerting evaluates the posture rules at once,
/// so that a default community is an alert within a minute, not at the next hourly evaluation).
public actor PostureService: Service {
    let store: PostureStore
    let engine: SNMPEngine
    let logger: Logger
    let checkEvery: Duration
    /// The first probes wait this long (the daemon's poll interval), so that they never compete with the first poll
    /// cycle for the agents' attention.
    let firstAfter: Duration
    /// Devices probed at once: each is asked up to 1 + 2 × the forbidden communities GETs together.
    static let devicesInFlight = 8
    let probing: @Sendable ([String], Date) async -> Void
    let probed: @Sendable (Date) async -> Void
    private var city: CityConfiguration

    public init(
        city: CityConfiguration, store: PostureStore, engine: SNMPEngine, logger: Logger, firstAfter: Duration, checkEvery: Duration = .seconds(60),
        probing: @escaping @Sendable ([String], Date) async -> Void, probed: @escaping @Sendable (Date) async -> Void
    ) {
        self.city = city
        self.store = store
        self.engine = engine
        self.logger = logger
        self.checkEvery = checkEvery
        self.firstAfter = firstAfter
        self.probing = probing
        self.probed = probed
    }

    /// The configuration a reload put in force: its devices and policy from the next step on.
    public func update(configuration: CityConfiguration) { city = configuration }

    /// Probes the devices due at `now` and stores what they answered; returns the probes (none when nothing was due,
    /// security.yaml forbids no community, or the step was cancelled before the probes ended).
    @discardableResult
    public func step(at now: Date) async -> [CommunityProbe] {
        let security = city.policies.security
        let posture = security.posture ?? PosturePolicy()
        guard !security.forbiddenCommunities.isEmpty else { return [] }
        let last: [String: CommunityProbe]
        do { last = try store.probes() } catch {
            logger.error("\(error.message)")
            return []
        }
        let timeout = Duration.milliseconds(Int(posture.probeTimeoutSeconds * 1000))
        let due = PolledDevice.all(in: city.inventory, timeout: timeout, retries: 0).devices.filter { device in
            last[device.id].map { now.timeIntervalSince($0.time) >= posture.probeIntervalHours * 3600 } ?? true
        }
        guard !due.isEmpty else { return [] }
        await probing(due.map(\.id), now)
        let probes = await CommunityProber(engine: engine, timeout: timeout) { now }.probe(
            due, communities: security.forbiddenCommunities, devicesInFlight: Self.devicesInFlight)
        // Probes cut short by the daemon stopping say nothing about the devices.
        guard !Task.isCancelled else { return [] }
        do { try store.record(probes) } catch {
            logger.error("\(error.message)")
            return []
        }
        let answering = probes.filter { !$0.answers.isEmpty }
        logger.info(
            "community probes",
            metadata: [
                "devices": "\(probes.count)", "answering_default_community": "\(answering.count)",
                "unreachable": "\(probes.filter { !$0.reachable }.count)",
            ])
        for probe in answering.prefix(10) {
            logger.warning("device answers a default community", metadata: ["device": "\(probe.device)", "answers": "\(probe.answeredText)"])
        }
        await probed(now)
        return probes
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            try? await Task.sleep(for: self.firstAfter)
            while !Task.isCancelled {
                await self.step(at: Date())
                try? await Task.sleep(for: self.checkEvery)
            }
        }
    }
}
