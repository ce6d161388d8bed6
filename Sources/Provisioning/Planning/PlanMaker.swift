import Foundation
import Model
import SNMP
import Store

/// Makes and stores a plan of one kind over the devices a caller chooses, from the inventory, the stored polls and
/// (for port plans) the switches' tables read live: the one way a plan is made, so that `edunet provision plan` and
/// the API's `POST /provisioning/plans` plan alike.
public struct PlanMaker: Sendable {
    /// What can be planned.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// Each planned link's interfaces labelled with the link.
        case alias
        /// The ports the posture check calls unused, shut.
        case unusedPorts = "unused-ports"
        /// One station's port shut or moved to the quarantine VLAN.
        case quarantine
    }

    /// What is asked for: a kind, and for a quarantine the station.
    public enum Request: Sendable, Hashable {
        case alias
        case unusedPorts
        case quarantine(station: MACAddress)

        public var kind: Kind {
            switch self {
            case .alias: .alias
            case .unusedPorts: .unusedPorts
            case .quarantine: .quarantine
            }
        }
    }

    /// A plan as made: its id when it has changes (stored), what it changes and what it leaves out, and why.
    public struct Plan: Sendable, Encodable {
        public var id: String?
        public var kind: Kind
        public var changes: [ProvisioningChange]
        public var refusals: [ProvisioningRefusal]
    }

    public let configuration: CityConfiguration
    public let database: StoreDatabase
    public let engine: SNMPEngine

    public init(configuration: CityConfiguration, database: StoreDatabase, engine: SNMPEngine) {
        self.configuration = configuration
        self.database = database
        self.engine = engine
    }

    /// Plans what `request` asks on the devices `includes` admits, stores the plan when it changes anything, and
    /// returns it. `surveying` is told how many switches' tables are about to be read.
    public func make(
        _ request: Request, includes: @escaping @Sendable (Device) -> Bool, at now: Date,
        surveying: @Sendable (Int) -> Void = { _ in }
    ) async throws(StoreError) -> Plan {
        let inventory = configuration.inventory
        let security = configuration.policies.security
        let quarantine = security.quarantine ?? QuarantinePolicy()
        let safety = PortSafety(inventory: inventory, maxStationsPerPort: quarantine.maxStationsPerPort)
        let surveyor = PortSurveyor(engine: engine, inventory: inventory)
        func survey(_ devices: [Device]) async -> [String: Result<SwitchPorts, SurveyFailure>] {
            guard !devices.isEmpty else { return [:] }
            surveying(devices.count)
            return await surveyor.survey(devices)
        }
        let planned: (changes: [ProvisioningChange], refusals: [ProvisioningRefusal])
        switch request {
        case .alias:
            planned = AliasPlanner.plan(
                inventory: inventory, interfaces: try MeasurementStore(database: database).allInterfaces(), includes: includes)
        case .unusedPorts:
            let candidates = UnusedPortPlanner.candidates(
                inventory: inventory, interfaces: try MeasurementStore(database: database).allInterfaces(),
                downSince: try PostureStore(database: database).downSince(), posture: security.posture ?? PosturePolicy(), now: now,
                includes: includes)
            let tables = await survey(candidates.filter { $0.device.snmpWriteProfile != nil }.map(\.device))
            planned = UnusedPortPlanner.plan(candidates: candidates, tables: tables, safety: safety)
        case .quarantine(let mac):
            let switches = inventory.devices.filter { [.accessSwitch, .coreSwitch].contains($0.role) && $0.management != nil && includes($0) }
            planned = QuarantinePlanner.plan(mac: mac, devices: switches, tables: await survey(switches), safety: safety, policy: quarantine)
        }
        let id =
            planned.changes.isEmpty
            ? nil : try ProvisioningStore(database: database).save(kind: request.kind.rawValue, changes: planned.changes, at: now)
        return Plan(id: id, kind: request.kind, changes: planned.changes, refusals: planned.refusals)
    }
}
