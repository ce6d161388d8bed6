import BenchSupport
import Foundation
import Model
import Provisioning
import SNMP
import Store

/// The provisioning benchmark (scripts/bench-provisioning.sh), on a fresh database at PATH:
/// - `city-plan`: the alias plan of the sample city (run from the repository) as `edunet provision plan` makes it (the
///   stored configuration and interfaces read, the plan computed and stored), every planned link's two interfaces
///   polled with an old label, so that every end is a change;
/// - `city-plan-x20`: the same for twenty copies of the city (about 5,000 devices);
/// - `apply`: a plan of INTERFACES ifAlias changes (ifIndex 2 …) on each of DEVICES devices (snmpd at 127.22.0.N,
///   write community `edunet-write`), applied with every value read back; `undo`: the same set back.
/// Prints `step=… seconds=… cpu=… rows=…` lines.
@main
struct ProvisionBench {
    static func main() async throws {
        var command = BenchCommandLine()
        let deviceCount = command.option("--devices", 100)
        let interfaceCount = command.option("--interfaces", 10)
        guard let path = command.arguments.first else {
            BenchCommandLine.usage("provision-bench DATABASE [--devices N] [--interfaces N]")
        }

        // The plan as `edunet provision plan --kind alias` makes it: the stored configuration and every device's stored
        // interfaces read, the plan computed and stored. Each city in a database of its own.
        let sample = try ConfigurationLoader.load(inventoryDirectory: "inventory", policiesDirectory: "policies")
        for (step, copies) in [("city-plan", 1), ("city-plan-x20", 20)] {
            let (inventory, interfaces) = Self.writable(sample.inventory, copies: copies)
            let database = try StoreDatabase(path: path + "." + step)
            _ = try InventoryStore(database: database).apply(
                CityConfiguration(inventory: inventory, policies: sample.policies), source: "bench", at: Date())
            let measurements = MeasurementStore(database: database)
            for (device, polled) in interfaces {
                try measurements.record(DeviceObservations(device: device, time: Date(), rates: [], interfaces: Array(polled.values)))
            }
            var changes = 0
            measure(step, rows: inventory.links.count * 2) {
                let stored = try InventoryStore(database: database).currentConfiguration().inventory
                let plan = AliasPlanner.plan(inventory: stored, interfaces: try measurements.allInterfaces()).changes
                _ = try ProvisioningStore(database: database).save(kind: "alias", changes: plan, at: Date())
                changes = plan.count
            }
            precondition(changes == inventory.links.count * 2, "every planned end is relabelled")
        }

        setenv("PROV_BENCH_WRITE", "edunet-write", 1)
        let devices = (1...deviceCount).map { n in
            Device(
                id: "prov-\(n)", name: "prov-\(n)", role: .accessSwitch, node: "n",
                management: ManagementAddress(address: IPAddress("127.22.0.\(n)")!), snmpProfile: "w", snmpWriteProfile: "w")
        }
        let inventory = Inventory(devices: devices, snmpProfiles: [SNMPProfile(id: "w", version: .v2c, community: .environment("PROV_BENCH_WRITE"))])
        let changes = devices.flatMap { device in
            (2...interfaceCount + 1).map { k in
                ProvisioningChange(
                    device: device.id, interface: "bench\(k - 1)", object: "1.3.6.1.2.1.31.1.1.1.18.\(k)", current: "",
                    new: "up-\(k) county-school to \(device.id)")
            }
        }
        let store = ProvisioningStore(database: try StoreDatabase(path: path))
        let engine = SNMPEngine()
        let applier = PlanApplier(engine: engine, inventory: inventory, store: store)
        let plan = try store.save(kind: "alias", changes: changes, at: Date())
        await measure("apply", rows: changes.count) {
            try Self.allApplied(try await applier.apply(plan: plan, by: "bench", why: "benchmark"))
        }
        await measure("undo", rows: changes.count) {
            try Self.allApplied(try await applier.undo(plan: plan, by: "bench", why: "benchmark"))
        }
        await engine.shutdown()
    }

    /// `copies` copies of the city (ids suffixed `~k`), every device writable, and every planned link's ends polled
    /// with an old label.
    static func writable(_ city: Inventory, copies: Int) -> (Inventory, [String: [String: InterfaceStatus]]) {
        var inventory = city
        inventory.devices = []
        inventory.links = []
        for k in 0..<copies {
            let suffix = copies == 1 ? "" : "~\(k)"
            inventory.devices += city.devices.map { device in
                var device = device
                device.id += suffix
                device.snmpWriteProfile = device.snmpProfile
                return device
            }
            inventory.links += city.links.map { link in
                Link(
                    id: link.id + suffix, tier: link.tier, a: LinkEnd(device: link.a.device + suffix, interface: link.a.interface),
                    b: LinkEnd(device: link.b.device + suffix, interface: link.b.interface), capacity: link.capacity)
            }
        }
        var interfaces: [String: [String: InterfaceStatus]] = [:]
        for (n, end) in inventory.links.flatMap({ [$0.a, $0.b] }).enumerated() {
            interfaces[end.device, default: [:]][end.interface] = InterfaceStatus(
                name: end.interface, index: UInt32(n + 1), alias: "old", speedBitsPerSecond: 1_000_000_000, adminUp: true, operUp: true)
        }
        return (inventory, interfaces)
    }

    /// A write that was not applied stops the benchmark, saying which and why.
    struct NotApplied: Error, CustomStringConvertible {
        let description: String
    }

    static func allApplied(_ entries: [ProvisioningAuditEntry]) throws {
        let missed = entries.filter { $0.result != "applied" }
        guard let first = missed.first else { return }
        throw NotApplied(description: "\(missed.count) of \(entries.count) changes not applied; the first, on \(first.device): \(first.result)")
    }

    static func measure(_ step: String, rows: Int, _ body: () throws -> Void) { BenchCommandLine.measure("provision-bench", step, rows: rows, body) }

    nonisolated(nonsending) static func measure(_ step: String, rows: Int, _ body: () async throws -> Void) async {
        await BenchCommandLine.measure("provision-bench", step, rows: rows, body)
    }
}
