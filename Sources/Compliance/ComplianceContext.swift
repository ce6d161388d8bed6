import Foundation
import Model
import Monitor
import Pool
import Store

/// What one evaluation reads once: interface states by device, APs by inventory id, tiers by school.
struct ComplianceContext: Sendable {
    let from: Date
    let to: Date
    let inventory: Inventory
    let policy: BandwidthPolicy
    let store: MeasurementStore
    let criteria: LinkUtilisation.Criteria
    let countyOfDevice: [String: String]
    let schoolOfDevice: [String: String]
    let schools: [String: School]
    let accessPoints: [String: AccessPointRegister.Entry]
    /// Every polled device's interfaces, read in one query.
    let interfaceStates: [String: [String: InterfaceStatus]]
    let fleetPolicy: FleetPolicy
    /// Each school's e-book terminals at the end of the window.
    let fleet: [String: FleetCounts]
    /// The imports the register rests on at the end of the window (the latest of terminals and of the roster).
    let fleetImports: [FleetOperation]
    /// The education cloud's verdicts at the end of the window.
    let pool: PoolVerdicts
    /// `security.yaml`, and its posture checks' settings (the defaults when it sets none).
    let security: SecurityPolicy
    let posture: PosturePolicy
    /// Each device's latest probe with the forbidden communities.
    let probes: [String: CommunityProbe]
    /// Since when each admin-up interface has been operationally down, by device and interface.
    let downSince: [String: [String: Date]]

    init(evaluator: ComplianceEvaluator, from: Date, to: Date) throws(StoreError) {
        self.from = from
        self.to = to
        inventory = evaluator.configuration.inventory
        policy = evaluator.configuration.policies.bandwidth
        store = evaluator.store
        criteria = evaluator.criteria
        countyOfDevice = inventory.countyOfDevice
        schoolOfDevice = Dictionary(inventory.devices.compactMap { d in d.school.map { (d.id, $0) } }, uniquingKeysWith: { a, _ in a })
        schools = Dictionary(inventory.schools.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let register = AccessPointRegister(inventory: inventory, statuses: try evaluator.store.accessPoints(since: from))
        accessPoints = Dictionary(register.entries.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        interfaceStates = try evaluator.store.allInterfaces()
        fleetPolicy = evaluator.configuration.policies.fleet
        fleet = try evaluator.fleetCounts(at: to)
        fleetImports = try FleetStore(database: evaluator.store.database).lastImports(by: to)
        do {
            pool = try PoolVerdicts.read(register: evaluator.poolRegister, at: to, freshness: evaluator.hostFreshness)
        } catch { throw StoreError(.readFailed, error.message) }
        security = evaluator.configuration.policies.security
        posture = security.posture ?? PosturePolicy()
        let postureStore = PostureStore(database: evaluator.store.database)
        probes = try postureStore.probes()
        downSince = try postureStore.downSince()
    }

    /// The interfaces of a device as last polled; nil when it never was.
    func interfaces(of device: String) -> [String: InterfaceStatus]? { interfaceStates[device] }

    func tier(of school: School) -> BandwidthPolicy.SchoolTier? { policy.tier(for: school.kind) }

    /// The school or backbone node a device belongs to.
    func owner(ofDevice device: String) -> String? {
        schoolOfDevice[device] ?? inventory.devices.first { $0.id == device }?.node
    }

    func tier(ofDevice device: String) -> BandwidthPolicy.SchoolTier? { schoolOfDevice[device].flatMap { schools[$0] }.flatMap(tier(of:)) }

    /// The link's utilisation over the evaluation's window, the one way every report and alert reads it.
    func utilisation(of link: Link) throws(StoreError) -> LinkUtilisation {
        try LinkUtilisation.measure(link, from: from, to: to, store: store, interfaces: interfaceStates, criteria: criteria)
    }

    /// The school's uplinks: planned links of `tier` whose downstream end is one of its devices.
    func uplinks(of school: School, tier: LinkTier = .countySchool) -> [Link] {
        let devices = Set(inventory.devices.filter { $0.school == school.id }.map(\.id))
        return inventory.links.filter { $0.tier == tier && devices.contains($0.b.device) }
    }

    func subject(_ link: Link) -> Finding.Subject {
        .init(
            kind: .link, id: link.id, county: countyOfDevice[link.b.device] ?? countyOfDevice[link.a.device],
            school: schoolOfDevice[link.b.device] ?? schoolOfDevice[link.a.device])
    }

    func subject(_ school: School) -> Finding.Subject { .init(kind: .school, id: school.id, county: school.county, school: school.id) }

    func subject(_ device: Device) -> Finding.Subject {
        .init(kind: .device, id: device.id, county: countyOfDevice[device.id], school: device.school)
    }

    /// The devices that answer SNMP themselves (a management address and a profile): those the posture checks ask.
    var managedDevices: [Device] { inventory.devices.filter { $0.management != nil && $0.snmpProfile != nil } }
}
