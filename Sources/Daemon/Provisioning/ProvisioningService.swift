import Foundation
import Logging
import Model
import Provisioning
import SNMP
import Security
import ServiceLifecycle
import Store

/// What the daemon does to the network by itself, all through stored plans and the audit log, as a person would with
/// `edunet provision`: every `checkEvery` it acts on the deadlines now due (a plan on probation that no one confirmed is
/// set back, with an alert; a quarantine whose period ended is released, and its alert resolved); and, when
/// `security.yaml`'s `quarantine.automatic` names a detection, it quarantines the port of the station that detection
/// names, for the policy's period, with an alert saying what was done and how to undo it (resolved when the quarantine
/// ends, at its period's end or by `edunet provision undo`).
public actor ProvisioningService: Service {
    let store: ProvisioningStore
    let engine: SNMPEngine
    let monitor: AlertMonitor
    let logger: Logger
    let checkEvery: Duration
    let now: @Sendable () -> Date
    private var city: CityConfiguration
    /// The stations quarantined while their quarantine is pending, so that a detection seen again quarantines nothing more.
    private var held: [MACAddress: String] = [:]

    public init(
        city: CityConfiguration, store: ProvisioningStore, engine: SNMPEngine, monitor: AlertMonitor, logger: Logger,
        checkEvery: Duration = .seconds(5), now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.city = city
        self.store = store
        self.engine = engine
        self.monitor = monitor
        self.logger = logger
        self.checkEvery = checkEvery
        self.now = now
    }

    /// The configuration a reload put in force.
    public func update(configuration: CityConfiguration) { city = configuration }

    private var applier: PlanApplier { PlanApplier(engine: engine, inventory: city.inventory, store: store, now: now) }

    /// Acts on the deadlines due now; what was settled.
    @discardableResult
    public func step() async -> [ProvisioningDeadline] {
        let settled: [(deadline: ProvisioningDeadline, entries: [ProvisioningAuditEntry])]
        do { settled = try await applier.settleDue() } catch {
            logger.error("provisioning deadlines not acted on; tried again", metadata: ["error": "\(error.message)"])
            return []
        }
        for (deadline, entries) in settled {
            logger.notice(
                deadline.kind == .probation ? "plan not confirmed in time: set back" : "quarantine released",
                metadata: [
                    "plan": "\(deadline.plan)", "changes": "\(entries.count)", "applied": "\(entries.filter { $0.result == "applied" }.count)",
                ])
            do throws(StoreError) {
                switch deadline.kind {
                case .probation: try await monitor.setBack(deadline, entries: entries, at: now())
                case .quarantine: try await monitor.released(plan: deadline.plan, at: now())
                }
            } catch {
                logger.error("alert not recorded", metadata: ["plan": "\(deadline.plan)", "error": "\(error.message)"])
            }
        }
        var ended = Set(settled.map(\.deadline.plan))
        // A quarantine of the daemon's that someone undid by hand: its alert ends too.
        for plan in held.values where !ended.contains(plan) {
            do throws(StoreError) {
                guard let deadline = try store.deadline(plan: plan), deadline.settledAt != nil else { continue }
                logger.notice("quarantine ended by hand", metadata: ["plan": "\(plan)", "how": "\(deadline.settled ?? "")"])
                try await monitor.released(plan: plan, at: now())
                ended.insert(plan)
            } catch {
                logger.error("quarantine not looked at", metadata: ["plan": "\(plan)", "error": "\(error.message)"])
            }
        }
        held = held.filter { !ended.contains($0.value) }
        return settled.map(\.deadline)
    }

    /// Quarantines the port of the station `event` names when the policy asks for it; the plan's id when a port was
    /// quarantined.
    @discardableResult
    public func handle(_ event: SecurityEvent) async -> String? {
        let policy = city.policies.security.quarantine ?? QuarantinePolicy()
        guard let trigger = QuarantinePolicy.Trigger(rawValue: event.kind.rawValue), policy.automatic.contains(trigger),
            let mac = event.mac.flatMap({ MACAddress(parsing: $0) }), held[mac] == nil
        else { return nil }
        let inventory = city.inventory
        // The school's switches when the detection placed the station, else every switch of the city.
        let switches = inventory.devices.filter { device in
            [.accessSwitch, .coreSwitch].contains(device.role) && device.management != nil && (event.school == nil || device.school == event.school)
        }
        let tables = await PortSurveyor(engine: engine, inventory: inventory).survey(switches)
        let (changes, refusals) = QuarantinePlanner.plan(
            mac: mac, devices: switches, tables: tables, safety: PortSafety(inventory: inventory, maxStationsPerPort: policy.maxStationsPerPort),
            policy: policy)
        guard !changes.isEmpty else {
            logger.warning(
                "station not quarantined",
                metadata: ["mac": "\(mac)", "trigger": "\(trigger.rawValue)", "why": "\(refusals.map(\.reason).joined(separator: "; "))"])
            return nil
        }
        do throws(StoreError) {
            let plan = try store.save(kind: "quarantine", changes: changes, at: now())
            let entries = try await applier.apply(
                plan: plan, by: "edunetd", why: "automatic quarantine (\(trigger.rawValue)): \(event.detail)",
                deadline: (.quarantine, policy.periodHours * 3_600))
            let done = entries.filter { $0.result == "applied" }
            logger.notice(
                "station quarantined", metadata: ["mac": "\(mac)", "plan": "\(plan)", "applied": "\(done.count)", "changes": "\(entries.count)"])
            guard !done.isEmpty, let due = try store.deadline(plan: plan)?.due else { return nil }
            held[mac] = plan
            try await monitor.quarantined(plan: plan, changes: done.map(\.change), trigger: trigger.rawValue, mac: "\(mac)", until: due, at: now())
            return plan
        } catch {
            logger.error("quarantine not recorded", metadata: ["mac": "\(mac)", "error": "\(error.message)"])
            return nil
        }
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.step()
                try? await Task.sleep(for: self.checkEvery)
            }
        }
    }
}
