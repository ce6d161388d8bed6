import Foundation
import Model
import Provisioning
import SNMP
import Store
import TestSupport
import Testing

/// Plans applied to and undone on a real agent that takes writes (snmpd at 127.21.0.3), with the audit log checked
/// line by line: a plan made on values that have moved since is refused with nothing written, a device without a write
/// profile is never written to, and one whose write profile may not write is refused by the agent.
@Suite("Applying and undoing plans", .serialized)
struct PlanApplierTests {
    static let sysName = "1.3.6.1.2.1.1.5.0"

    /// The agent as three inventory devices: written with the write community, without a write profile, and with the
    /// read community as its write profile.
    static func inventory(port: UInt16) -> Inventory {
        func device(_ id: String, write: String?) -> Device {
            Device(
                id: id, name: id, role: .accessSwitch, node: "n", management: ManagementAddress(address: IPAddress("127.21.0.3")!, port: Int(port)),
                snmpProfile: "read", snmpWriteProfile: write)
        }
        return Inventory(
            devices: [device("rw-sw", write: "write"), device("ro-sw", write: nil), device("wrong-sw", write: "read")],
            snmpProfiles: [
                SNMPProfile(id: "read", version: .v2c, community: .environment("PLAN_TEST_READ")),
                SNMPProfile(id: "write", version: .v2c, community: .environment("PLAN_TEST_WRITE")),
            ])
    }

    @Test func applyReadBackUndoAndTheAuditLog() async throws {
        setenv("PLAN_TEST_READ", "edunet-test", 1)
        setenv("PLAN_TEST_WRITE", "edunet-write", 1)
        try await TestAgents.withWritable { agent in
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("edunet-plans-\(UUID().uuidString).sqlite").path
            defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
            let store = ProvisioningStore(database: try StoreDatabase(path: path))
            let engine = SNMPEngine()
            let read = SNMPTarget(host: "127.21.0.3", port: agent.port, credentials: .v2c(community: "edunet-test"))
            func sysName() async throws -> String {
                guard case .octetString(let bytes)? = try await engine.get(read, [OID(parsing: Self.sysName)!]).first?.value else { return "?" }
                return String(decoding: bytes, as: UTF8.self)
            }
            let original = try await sysName()
            let t0 = Date(timeIntervalSince1970: 1_796_000_000)
            let applier = PlanApplier(engine: engine, inventory: Self.inventory(port: agent.port), store: store) { t0 }
            func change(_ device: String, from: String?, to: String) -> ProvisioningChange {
                ProvisioningChange(device: device, interface: "system", object: Self.sysName, current: from, new: to)
            }

            let plan = try store.save(kind: "alias", changes: [change("rw-sw", from: original, to: "xq-01 接入交换机")], at: t0)
            #expect(plan == "alias-\(CityTime.stamp(t0))-1")
            let stale = try store.save(kind: "alias", changes: [change("rw-sw", from: original, to: "stale")], at: t0)
            #expect(stale == "alias-\(CityTime.stamp(t0))-2")
            let applied = try await applier.apply(plan: plan, by: "李工", why: "label the switch")
            #expect(applied.map(\.result) == ["applied"] && applied.first?.before == original && applied.first?.after == "xq-01 接入交换机")
            let read1 = try await sysName()
            #expect(read1 == "xq-01 接入交换机")

            // The second plan was made on the value before the first: nothing is written.
            let refused = try await applier.apply(plan: stale, by: "李工", why: "too late")
            #expect(refused.first?.result == "refused: \(Self.sysName) holds \"xq-01 接入交换机\", not what the plan was made on; make a new plan")
            let read2 = try await sysName()
            #expect(read2 == "xq-01 接入交换机")

            let undone = try await applier.undo(plan: plan, by: "王工", why: "wrong label")
            #expect(undone.map(\.result) == ["applied"] && undone.first?.why == "undo: wrong label" && undone.first?.after == original)
            let read3 = try await sysName()
            #expect(read3 == original)

            // A device without a write profile, one whose write profile may not write, and a plan that does not exist.
            let others = try store.save(
                kind: "alias", changes: [change("ro-sw", from: original, to: "x"), change("wrong-sw", from: original, to: "y")], at: t0)
            let outcomes = try await applier.apply(plan: others, by: "李工", why: "try")
            #expect(outcomes.map(\.result).first == "refused: no snmp_write_profile in the inventory")
            #expect(outcomes.map(\.result).last?.hasPrefix("refused: the agent refused the SET: noAccess at \(Self.sysName)") == true, "\(outcomes)")
            let read4 = try await sysName()
            #expect(read4 == original)
            await #expect(throws: StoreError.self) { _ = try await applier.apply(plan: "alias-nothing-1", by: "李工", why: "x") }

            // The audit log: every line, in order, append-only.
            let log = try store.audit()
            #expect(log.map(\.plan) == [plan, stale, plan, others, others])
            #expect(log.map(\.by) == ["李工", "李工", "王工", "李工", "李工"])
            #expect(
                log.map(\.result).prefix(3) == [
                    "applied", "refused: \(Self.sysName) holds \"xq-01 接入交换机\", not what the plan was made on; make a new plan", "applied",
                ])
            #expect(log.allSatisfy { $0.at == t0 } && log.compactMap(\.id) == [1, 2, 3, 4, 5])
            await engine.shutdown()
        }
    }
}
