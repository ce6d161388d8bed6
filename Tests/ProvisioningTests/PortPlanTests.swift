import Foundation
import Model
import Provisioning
import SNMP
import Store
import Synchronization
import TestSupport
import Testing

/// Port plans against a real switch's tables: snmpsim serving an HPE ProCurve recording (snmpsim-data's
/// `hpe-procurve-516733-b21`: 24 ports, spanning-tree root port 17 with 217 stations behind it, 22 stations behind
/// port 1, one behind port 4, ports 18–22 admin-up and down, its loopback `lo0` (ifIndex 4170) carrying 127.0.0.1),
/// with ifAdminStatus and dot1qPvid writable through snmpsim's writecache variation. Each test sets back what it wrote.
@Suite("Quarantine and unused-port plans", .serialized)
struct PortPlanTests {
    static let port4Station = MACAddress(parsing: "10:60:4b:b4:5f:48")!
    static let port5Station = MACAddress(parsing: "10:60:4b:b4:ff:60")!
    static let uplinkStation = MACAddress(parsing: "00:00:0c:07:ac:32")!
    static let port1Station = MACAddress(parsing: "00:50:56:88:67:ab")!
    static let t0 = Date(timeIntervalSince1970: 1_796_000_000)

    /// The recording as one access switch of the inventory, written with its own community (snmpsim has no other), and
    /// planned link `up-1` on its port 21.
    static func inventory(port: UInt16) -> Inventory {
        setenv("PORT_PLAN_COMMUNITY", TestAgents.writableSwitch, 1)
        return Inventory(
            links: [
                Link(
                    id: "up-1", tier: .countySchool, a: LinkEnd(device: "agg", interface: "1"), b: LinkEnd(device: "sw", interface: "21"),
                    capacity: nil)
            ],
            devices: [
                Device(
                    id: "sw", name: "ProCurve", role: .accessSwitch, school: "s1",
                    management: ManagementAddress(address: IPAddress("127.0.0.1")!, port: Int(port)), snmpProfile: "p", snmpWriteProfile: "p")
            ],
            snmpProfiles: [SNMPProfile(id: "p", version: .v2c, community: .environment("PORT_PLAN_COMMUNITY"))])
    }

    /// A fresh database, the engine, an applier whose clock the test moves, and the agent; all closed at the end.
    /// The applier's clock, moved by the test.
    final class Clock: Sendable {
        let time = Mutex(PortPlanTests.t0)

        func set(_ date: Date) { time.withLock { $0 = date } }
        var now: Date { time.withLock { $0 } }
    }

    struct Bench {
        let agent: TestAgents.Agent
        let inventory: Inventory
        let engine = SNMPEngine()
        let store: ProvisioningStore
        let clock = Clock()
        let path: String

        init(agent: TestAgents.Agent) throws {
            self.agent = agent
            inventory = PortPlanTests.inventory(port: agent.port)
            path = FileManager.default.temporaryDirectory.appendingPathComponent("edunet-port-plans-\(UUID().uuidString).sqlite").path
            store = ProvisioningStore(database: try StoreDatabase(path: path))
        }

        var applier: PlanApplier {
            let clock = clock
            return PlanApplier(engine: engine, inventory: inventory, store: store) { clock.now }
        }

        func tables() async -> [String: Result<SwitchPorts, SurveyFailure>] {
            await PortSurveyor(engine: engine, inventory: inventory).survey(inventory.devices)
        }

        func read(_ object: String) async throws -> String {
            let target = SNMPTarget(host: "127.0.0.1", port: agent.port, credentials: .v2c(community: TestAgents.writableSwitch))
            switch try await engine.get(target, [OID(parsing: object)!]).first?.value {
            case .integer32(let n)?: return String(n)
            case .gauge32(let n)?: return String(n)
            default: return "?"
            }
        }

        func close() async {
            await engine.shutdown()
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
    }

    @Test func theSwitchTablesAreReadAsTheRecordingHasThem() async throws {
        try await TestAgents.withWritableSwitch { agent in
            let bench = try Bench(agent: agent)
            let ports = try #require(try await bench.tables()["sw"]?.get())
            #expect(ports.rootBridgePort == 17)
            #expect(ports.ifIndexOfBridgePort.count == 24 && ports.ifIndex(ofBridgePort: 4) == 4)
            // 217 entries behind port 17 in the VLANs' tables, 200 stations: some are in several VLANs.
            #expect(ports.stationsBehindBridgePort[17] == 200)
            #expect(ports.stationsBehindBridgePort[1] == 22 && ports.stationsBehindBridgePort[4] == 1)
            #expect(ports.sightings[Self.port4Station]?.map(\.bridgePort) == [4, 4])
            #expect(ports.addressInterfaces[IPAddress("127.0.0.1")!] == 4170 && ports.name(of: 4170) == "lo0")
            #expect(ports.pvid[5] == 71 && ports.adminStatus[4] == 1 && ports.adminStatus[6] == 2)
            await bench.close()
        }
    }

    @Test func aStationIsLocatedOnItsEdgePortAndTheProtectedPortsAreRefused() async throws {
        try await TestAgents.withWritableSwitch { agent in
            let bench = try Bench(agent: agent)
            let tables = await bench.tables()
            let safety = PortSafety(inventory: bench.inventory, maxStationsPerPort: 4)
            func plan(_ mac: MACAddress, _ policy: QuarantinePolicy = QuarantinePolicy()) -> (
                changes: [ProvisioningChange], refusals: [ProvisioningRefusal]
            ) {
                QuarantinePlanner.plan(mac: mac, devices: bench.inventory.devices, tables: tables, safety: safety, policy: policy)
            }
            let shut = plan(Self.port4Station)
            #expect(shut.refusals.isEmpty)
            #expect(shut.changes.count == 1)
            let change = try #require(shut.changes.first)
            #expect(change.device == "sw" && change.interface == "4" && change.object == "1.3.6.1.2.1.2.2.1.7.4")
            #expect(change.current == "1" && change.new == "2" && change.syntax == .integer)
            #expect(change.condition?.value == "4" && change.condition?.object.hasSuffix(".16.96.75.180.95.72") == true)

            var vlan = QuarantinePolicy()
            vlan.action = .vlan
            vlan.vlan = 999
            let moved = plan(Self.port5Station, vlan).changes
            #expect(moved.map(\.object) == ["1.3.6.1.2.1.17.7.1.4.5.1.1.5"] && moved.map(\.current) == ["71"] && moved.map(\.new) == ["999"])
            #expect(moved.map(\.syntax) == [.unsigned])

            let uplink = plan(Self.uplinkStation)
            #expect(uplink.changes.isEmpty)
            #expect(
                uplink.refusals.map(\.reason) == [
                    "\(Self.uplinkStation) is behind it, but the switch's uplink (spanning-tree root port 17): shutting it cuts the switch off"
                ])
            let crowded = plan(Self.port1Station)
            #expect(
                crowded.refusals.map(\.reason) == [
                    "\(Self.port1Station) is behind it, but 22 stations behind it (more than max_stations_per_port 4): a downstream switch or access point"
                ])
            let nowhere = plan(MACAddress(parsing: "02:00:00:00:00:01")!)
            #expect(nowhere.changes.isEmpty && nowhere.refusals.map(\.device) == ["—"])
            #expect(nowhere.refusals.first?.reason.hasPrefix("02:00:00:00:00:01 is in none of the forwarding tables of the 1 switches read") == true)

            // A switch that does not answer: its tables could not be read, and it says so.
            var silent = bench.inventory
            silent.devices[0].management = ManagementAddress(address: IPAddress("127.0.0.1")!, port: 9)
            let unread = await PortSurveyor(engine: bench.engine, inventory: silent).survey(silent.devices)
            let refused = QuarantinePlanner.plan(
                mac: Self.port4Station, devices: silent.devices, tables: unread, safety: safety, policy: QuarantinePolicy())
            #expect(refused.refusals.first?.reason.hasPrefix("its bridge tables could not be read: ") == true)
            await bench.close()
        }
    }

    @Test func aQuarantineIsAppliedWhileTheStationIsThereAndReleasedAtTheEndOfItsPeriod() async throws {
        try await TestAgents.withWritableSwitch { agent in
            let bench = try Bench(agent: agent)
            let safety = PortSafety(inventory: bench.inventory, maxStationsPerPort: 4)
            let (changes, _) = QuarantinePlanner.plan(
                mac: Self.port4Station, devices: bench.inventory.devices, tables: await bench.tables(), safety: safety, policy: QuarantinePolicy())
            let plan = try bench.store.save(kind: "quarantine", changes: changes, at: Self.t0)
            let applied = try await bench.applier.apply(plan: plan, by: "edunetd", why: "rogue DHCP", deadline: (.quarantine, 24 * 3_600))
            #expect(applied.map(\.result) == ["applied"])
            #expect(try await bench.read("1.3.6.1.2.1.2.2.1.7.4") == "2")
            #expect(
                try bench.store.deadline(plan: plan) == ProvisioningDeadline(plan: plan, kind: .quarantine, due: Self.t0.addingTimeInterval(86_400)))

            // Before the end of the period nothing is released; at its end the port is set back and the deadline settled.
            bench.clock.set(Self.t0.addingTimeInterval(86_399))
            #expect(try await bench.applier.settleDue().isEmpty)
            #expect(try await bench.read("1.3.6.1.2.1.2.2.1.7.4") == "2")
            bench.clock.set(Self.t0.addingTimeInterval(86_400))
            let released = try await bench.applier.settleDue()
            #expect(released.map(\.deadline.settled) == ["released by edunetd (1 of 1 changes)"])
            #expect(released.first?.entries.map(\.result) == ["applied"])
            #expect(try await bench.read("1.3.6.1.2.1.2.2.1.7.4") == "1")
            #expect(try bench.store.pendingDeadlines().isEmpty)

            // The audit log, exact: the shutdown and its release.
            let log = try bench.store.audit(plan: plan)
            #expect(log.map(\.by) == ["edunetd", "edunetd"])
            #expect(log.map(\.why) == ["rogue DHCP", "undo: quarantine period ended at \(CityTime.minute(Self.t0.addingTimeInterval(86_400)))"])
            #expect(log.map(\.before) == ["1", "2"] && log.map(\.after) == ["2", "1"] && log.map(\.syntax) == [.integer, .integer])
            #expect(log.map(\.at) == [Self.t0, Self.t0.addingTimeInterval(86_400)])

            // A VLAN move: one SET of the PVID, read back, and undone.
            var vlan = QuarantinePolicy()
            vlan.action = .vlan
            vlan.vlan = 999
            let move = QuarantinePlanner.plan(
                mac: Self.port5Station, devices: bench.inventory.devices, tables: await bench.tables(), safety: safety, policy: vlan)
            let movePlan = try bench.store.save(kind: "quarantine", changes: move.changes, at: Self.t0)
            #expect(try await bench.applier.apply(plan: movePlan, by: "李工", why: "lost terminal").map(\.result) == ["applied"])
            #expect(try await bench.read("1.3.6.1.2.1.17.7.1.4.5.1.1.5") == "999")
            #expect(try await bench.applier.undo(plan: movePlan, by: "李工", why: "found").map(\.result) == ["applied"])
            #expect(try await bench.read("1.3.6.1.2.1.17.7.1.4.5.1.1.5") == "71")
            await bench.close()
        }
    }

    @Test func aQuarantineIsRefusedWhenTheStationIsNoLongerBehindThePort() async throws {
        try await TestAgents.withWritableSwitch { agent in
            let bench = try Bench(agent: agent)
            var change = try #require(
                QuarantinePlanner.plan(
                    mac: Self.port4Station, devices: bench.inventory.devices, tables: await bench.tables(),
                    safety: PortSafety(inventory: bench.inventory, maxStationsPerPort: 4), policy: QuarantinePolicy()
                ).changes.first)
            // The plan as if the station had been seen behind port 5: the forwarding table now says port 4.
            change.condition?.value = "5"
            change.condition?.meaning = "\(Self.port4Station) is still behind bridge port 5"
            let plan = try bench.store.save(kind: "quarantine", changes: [change], at: Self.t0)
            let outcome = try await bench.applier.apply(plan: plan, by: "李工", why: "x")
            #expect(
                outcome.map(\.result) == [
                    "refused: no longer so: \(Self.port4Station) is still behind bridge port 5 (\(change.condition!.object) holds 4); make a new plan"
                ])
            #expect(try await bench.read("1.3.6.1.2.1.2.2.1.7.4") == "1")

            // A plan whose device has left the inventory since: never written to.
            var ghost = change
            ghost.device = "ghost-sw"
            let gone = try bench.store.save(kind: "quarantine", changes: [ghost], at: Self.t0)
            #expect(
                try await bench.applier.apply(plan: gone, by: "李工", why: "x").map(\.result) == ["refused: ghost-sw is not a device of the inventory"])
            await bench.close()
        }
    }

    @Test func unusedPortsAreShutWhileStillDownAndTheProtectedOnesAreLeftWithWhy() async throws {
        try await TestAgents.withWritableSwitch { agent in
            let bench = try Bench(agent: agent)
            func down(_ name: String, _ index: UInt32) -> InterfaceStatus {
                InterfaceStatus(name: name, index: index, alias: nil, speedBitsPerSecond: nil, adminUp: true, operUp: false)
            }
            // What the polls stored: 18–20 down for 40 days; 21 (planned link up-1), 17 (the uplink), lo0 (the management
            // address) and 4 (up now) stored as down too; 22 down for a day only.
            let polled = [
                "18": down("18", 18), "19": down("19", 19), "20": down("20", 20), "21": down("21", 21), "17": down("17", 17),
                "lo0": down("lo0", 4170), "22": down("22", 22),
            ]
            let longAgo = Self.t0.addingTimeInterval(-40 * 86_400)
            var since = Dictionary(uniqueKeysWithValues: polled.keys.map { ($0, longAgo) })
            since["22"] = Self.t0.addingTimeInterval(-86_400)
            let candidates = UnusedPortPlanner.candidates(
                inventory: bench.inventory, interfaces: ["sw": polled], downSince: ["sw": since], posture: PosturePolicy(), now: Self.t0)
            #expect(candidates.first?.ports.map(\.name) == ["17", "18", "19", "20", "21", "lo0"])
            let (changes, refusals) = UnusedPortPlanner.plan(
                candidates: candidates, tables: await bench.tables(), safety: PortSafety(inventory: bench.inventory, maxStationsPerPort: 4))
            #expect(changes.map(\.interface) == ["18", "19", "20"])
            #expect(changes.allSatisfy { $0.current == "1" && $0.new == "2" && $0.condition?.value == "2" })
            #expect(
                refusals.map { "\($0.interface): \($0.reason)" } == [
                    "17: the switch's uplink (spanning-tree root port 17): shutting it cuts the switch off",
                    "21: an interface of planned link up-1: never shut or moved by a plan",
                    "lo0: carries the device's management address 127.0.0.1",
                ])

            let plan = try bench.store.save(kind: "unused-ports", changes: changes, at: Self.t0)
            let applied = try await bench.applier.apply(plan: plan, by: "李工", why: "等保整改", deadline: (.probation, 600))
            #expect(applied.map(\.result) == ["applied", "applied", "applied"])
            #expect(try await bench.read("1.3.6.1.2.1.2.2.1.7.19") == "2")

            // On probation and not confirmed: set back by the daemon's step when the window ends.
            bench.clock.set(Self.t0.addingTimeInterval(600))
            let setBack = try await bench.applier.settleDue()
            #expect(setBack.map(\.deadline.settled) == ["set back by edunetd (3 of 3 changes)"])
            for index in 18...20 { #expect(try await bench.read("1.3.6.1.2.1.2.2.1.7.\(index)") == "1") }
            #expect(throws: StoreError.self) { try bench.store.confirm(plan: plan, by: "李工", at: bench.clock.now) }

            // Applied again and confirmed in time: the daemon leaves it, and an undo sets it back by hand.
            _ = try await bench.applier.apply(plan: plan, by: "李工", why: "等保整改", deadline: (.probation, 600))
            try bench.store.confirm(plan: plan, by: "王工", at: bench.clock.now)
            bench.clock.set(Self.t0.addingTimeInterval(1_800))
            #expect(try await bench.applier.settleDue().isEmpty)
            #expect(try bench.store.deadline(plan: plan)?.settled == "confirmed by 王工")
            #expect(try await bench.read("1.3.6.1.2.1.2.2.1.7.20") == "2")
            let undone = try await bench.applier.undo(plan: plan, by: "王工", why: "done")
            #expect(undone.map(\.result) == ["applied", "applied", "applied"], "\(undone)")
            for index in 18...20 { #expect(try await bench.read("1.3.6.1.2.1.2.2.1.7.\(index)") == "1") }

            // A port that is up now: the whole device is refused, naming it, and nothing is written.
            var stale = changes
            stale.append(
                ProvisioningChange(
                    device: "sw", interface: "4", object: "1.3.6.1.2.1.2.2.1.7.4", current: "1", new: "2", syntax: .integer,
                    condition: ProvisioningCondition(object: "1.3.6.1.2.1.2.2.1.8.4", value: "2", meaning: "the port is still operationally down")))
            let stalePlan = try bench.store.save(kind: "unused-ports", changes: stale, at: Self.t0)
            let refused = try await bench.applier.apply(plan: stalePlan, by: "李工", why: "x")
            #expect(
                Set(refused.map(\.result)) == [
                    "refused: no longer so: the port is still operationally down (1.3.6.1.2.1.2.2.1.8.4 holds 1); make a new plan"
                ])
            #expect(try await bench.read("1.3.6.1.2.1.2.2.1.7.18") == "1")

            // One change undone by its id.
            let one = try await bench.applier.apply(plan: plan, by: "李工", why: "again")
            let id = try #require(one.first?.id)
            #expect(try await bench.applier.undo(change: id, by: "李工", why: "not that one").map(\.interface) == ["18"])
            #expect(try await bench.read("1.3.6.1.2.1.2.2.1.7.18") == "1")
            _ = try await bench.applier.undo(plan: plan, by: "李工", why: "tidy")
            for index in 18...20 { #expect(try await bench.read("1.3.6.1.2.1.2.2.1.7.\(index)") == "1") }
            await bench.close()
        }
    }
}
