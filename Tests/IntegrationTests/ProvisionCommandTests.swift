import Foundation
import Model
import Store
import TestSupport
import Testing

/// `edunet provision` as district IT runs it, on the writable test agent as an access switch of the lab inventory: an
/// alias plan from the stored poll, applied with read-back, the audit log as CSV, and the plan undone.
@Suite("edunet provision")
struct ProvisionCommandTests {
    static let ifAlias1 = "1.3.6.1.2.1.31.1.1.1.18.1"

    /// A new folder with the repository's policies and counties, for the test's own inventory file.
    static func lab() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("edunet-provision-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("inventory"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: TestAgents.root.appendingPathComponent("policies"), to: directory.appendingPathComponent("policies"))
        try FileManager.default.copyItem(
            at: TestAgents.root.appendingPathComponent("inventory/counties.yaml"), to: directory.appendingPathComponent("inventory/counties.yaml"))
        return directory
    }

    @Test func planApplyHistoryAndUndo() async throws {
        try await TestAgents.withWritable { agent in
            let directory = try Self.lab()
            defer { try? FileManager.default.removeItem(at: directory) }
            try """
            snmp_profiles:
              - {id: read, version: v2c, community: {env: PROVISION_READ}}
              - {id: write, version: v2c, community: {env: PROVISION_WRITE}}
            nodes:
              - {id: agg-xingqing, name: 兴庆区汇聚, kind: county-aggregation, county: xingqing}
            devices:
              - {id: agg-sw, name: 汇聚交换机, role: core-switch, node: agg-xingqing, management: {address: 127.21.0.9}, snmp_profile: read}
              - {id: lab-acc, name: 接入交换机, role: access-switch, node: agg-xingqing, management: {address: 127.21.0.3, port: \(agent.port)}, snmp_profile: read, snmp_write_profile: write}
            links:
              - {id: lab-up, tier: county-school, a: {device: agg-sw, interface: X1}, b: {device: lab-acc, interface: lo}, capacity: 10G}

            """.write(to: directory.appendingPathComponent("inventory/lab.yaml"), atomically: true, encoding: .utf8)
            let environment = [
                "PROVISION_READ": "edunet-test", "PROVISION_WRITE": "edunet-write", "EDUNET_DB": directory.appendingPathComponent("lab.sqlite").path,
            ]
            func edunet(_ arguments: [String]) async throws -> EdunetTool.Outcome {
                try await EdunetTool.execute(arguments, in: directory, environment: environment)
            }
            #expect(try await edunet(["inventory", "apply", "--inventory", "inventory", "--policies", "policies"]).status == 0)
            // The poll the plan is made on: lo (ifIndex 1) with the alias the agent holds now.
            let now = try await edunet(["snmp", "get", "127.21.0.3:\(agent.port)", Self.ifAlias1, "--community", "edunet-test", "--format", "json"])
            let before = try #require(try JSONSerialization.jsonObject(with: Data(now.stdout.utf8)) as? [String: Any])["value"] as? String
            try MeasurementStore(database: try StoreDatabase(path: environment["EDUNET_DB"]!)).record(
                DeviceObservations(
                    device: "lab-acc", time: Date(), rates: [],
                    interfaces: [
                        InterfaceStatus(name: "lo", index: 1, alias: before, speedBitsPerSecond: 10_000_000_000, adminUp: true, operUp: true)
                    ]))

            let plan = try await edunet(["provision", "plan", "--kind", "alias"])
            #expect(plan.status == 0 && plan.stdout.contains("lab-up county-school to agg-sw"), "\(plan)")
            #expect(plan.stdout.contains("no snmp_write_profile in the inventory"), "agg-sw is never written to")
            let id = try #require(
                plan.stderr.range(of: #"plan (alias-[0-9-]+)"#, options: .regularExpression).map { String(plan.stderr[$0].dropFirst(5)) })

            let applied = try await edunet(["provision", "apply", id, "--by", "李工", "--reason", "label the uplink"])
            #expect(applied.status == 0 && applied.stderr.contains("1 of 1 changes applied"), "\(applied)")
            let labelled = try await edunet([
                "snmp", "get", "127.21.0.3:\(agent.port)", Self.ifAlias1, "--community", "edunet-test", "--format", "json",
            ])
            #expect(labelled.stdout.contains(#""value":"lab-up county-school to agg-sw""#), "\(labelled)")
            // Applied again, the plan is refused: the alias no longer holds what it was made on.
            let again = try await edunet(["provision", "apply", id, "--by", "李工", "--reason", "again"])
            #expect(again.status == 1 && again.stdout.contains("not what the plan was made on"), "\(again)")

            let undone = try await edunet(["provision", "undo", id, "--by", "王工", "--reason", "wrong port"])
            #expect(undone.status == 0, "\(undone)")
            let restored = try await edunet([
                "snmp", "get", "127.21.0.3:\(agent.port)", Self.ifAlias1, "--community", "edunet-test", "--format", "json",
            ])
            #expect((try JSONSerialization.jsonObject(with: Data(restored.stdout.utf8)) as? [String: Any])?["value"] as? String == before)

            let history = try await edunet(["provision", "history", "--format", "csv"])
            let rows = history.stdout.dropFirst().components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(rows.first == "id,plan,at,by,why,device,interface,object,before,after,result")
            #expect(rows.count == 4, "\(rows)")
            #expect(rows[1].contains(",李工,label the uplink,lab-acc,lo,\(Self.ifAlias1),") && rows[1].hasSuffix(",applied"), "\(rows)")
            #expect(rows[3].contains(",王工,undo: wrong port,lab-acc,lo,") && rows[3].hasSuffix(",applied"), "\(rows)")
            let missing = try await edunet(["provision", "apply", "alias-19700101-0000-9", "--by", "李工", "--reason", "x"])
            #expect(missing.status == 1 && missing.stderr.contains("no plan `alias-19700101-0000-9`"))
            let anonymous = try await edunet(["provision", "apply", id, "--by", " ", "--reason", "x"])
            #expect(anonymous.status == 64 && anonymous.stderr.contains("--by and --reason must say who and why"))
        }
    }

    static let pvid5 = "1.3.6.1.2.1.17.7.1.4.5.1.1.5"
    static func admin(_ index: Int) -> String { "1.3.6.1.2.1.2.2.1.7.\(index)" }

    /// The writable switch recording (a real HPE ProCurve's tables) as the lab's access switch, with security.yaml's
    /// quarantine moving a station's port to VLAN 999 for 2 hours.
    @Test func quarantineAndUnusedPortPlansOnARealSwitchsTables() async throws {
        try await TestAgents.withWritableSwitch { agent in
            let directory = try Self.lab()
            defer { try? FileManager.default.removeItem(at: directory) }
            try """
            snmp_profiles:
              - {id: procurve, version: v2c, community: {env: PROVISION_SWITCH}}
            nodes:
              - {id: agg-xingqing, name: 兴庆区汇聚, kind: county-aggregation, county: xingqing}
            devices:
              - {id: xq-acc, name: 接入交换机, role: access-switch, node: agg-xingqing, management: {address: 127.0.0.1, port: \(agent.port)}, snmp_profile: procurve, snmp_write_profile: procurve}

            """.write(to: directory.appendingPathComponent("inventory/lab.yaml"), atomically: true, encoding: .utf8)
            let security = directory.appendingPathComponent("policies/security.yaml")
            try
                (try String(contentsOf: security, encoding: .utf8).components(separatedBy: "# Quarantine")[0]
                + "quarantine: {action: vlan, vlan: 999, period_hours: 2}\n").write(
                    to: security, atomically: true, encoding: .utf8)
            let database = directory.appendingPathComponent("lab.sqlite").path
            let environment = ["PROVISION_SWITCH": TestAgents.writableSwitch, "EDUNET_DB": database]
            func edunet(_ arguments: [String]) async throws -> EdunetTool.Outcome {
                try await EdunetTool.execute(arguments, in: directory, environment: environment)
            }
            func read(_ object: String) async throws -> String {
                let got = try await edunet([
                    "snmp", "get", "127.0.0.1:\(agent.port)", object, "--community", TestAgents.writableSwitch, "--format", "json",
                ])
                return "\((try JSONSerialization.jsonObject(with: Data(got.stdout.utf8)) as? [String: Any])?["value"] ?? got.stderr)"
            }
            #expect(try await edunet(["inventory", "apply", "--inventory", "inventory", "--policies", "policies"]).status == 0)

            // A quarantine: the station behind port 5, moved from VLAN 71 to 999.
            let plan = try await edunet(["provision", "plan", "--kind", "quarantine", "--mac", "10:60:4B:B4:FF:60"])
            #expect(plan.status == 0 && plan.stdout.contains("dot1qPvid.5") && plan.stdout.contains(" 71 ") && plan.stdout.contains("999"), "\(plan)")
            #expect(plan.stderr.contains("1 changes (for 2 h once applied), 0 left out"), "\(plan.stderr)")
            let id = try #require(
                plan.stderr.range(of: #"plan (quarantine-[0-9-]+)"#, options: .regularExpression).map { String(plan.stderr[$0].dropFirst(5)) })
            let probation = try await edunet(["provision", "apply", id, "--by", "李工", "--reason", "丢失的电子书包", "--confirm-within", "10m"])
            #expect(probation.status == 1 && probation.stderr.contains("--confirm-within is not for it"), "\(probation)")
            let applied = try await edunet(["provision", "apply", id, "--by", "李工", "--reason", "丢失的电子书包"])
            #expect(applied.status == 0 && applied.stderr.contains("quarantined until ") && applied.stdout.contains("dot1qPvid.5"), "\(applied)")
            #expect(try await read(Self.pvid5) == "999")
            let pending = try await edunet(["provision", "history"])
            #expect(pending.stdout.contains("待定 Pending: 1") && pending.stdout.contains("\(id)  quarantine"), "\(pending.stdout)")
            let released = try await edunet(["provision", "undo", id, "--by", "李工", "--reason", "找到了"])
            #expect(released.status == 0, "\(released)")
            #expect(try await read(Self.pvid5) == "71")
            #expect(!(try await edunet(["provision", "history"]).stdout.contains("待定 Pending")))

            // The uplink's station: nothing to plan, and why.
            let uplink = try await edunet(["provision", "plan", "--kind", "quarantine", "--mac", "00:00:0c:07:ac:32", "--format", "json"])
            #expect(uplink.status == 0 && uplink.stdout.contains("spanning-tree root port 17") && !uplink.stdout.contains(#""id""#), "\(uplink)")
            #expect(try await edunet(["provision", "plan", "--kind", "quarantine"]).status == 64)
            #expect(try await edunet(["provision", "plan", "--kind", "quarantine", "--mac", "10:60:4b"]).stderr.contains("is not a MAC address"))

            // Unused ports: the polls found 18–20 down 40 days ago (and since); shut on probation, confirmed, undone by hand.
            let store = MeasurementStore(database: try StoreDatabase(path: database))
            func down(_ index: UInt32) -> InterfaceStatus {
                InterfaceStatus(name: "\(index)", index: index, alias: nil, speedBitsPerSecond: nil, adminUp: true, operUp: false)
            }
            try store.record(
                DeviceObservations(
                    device: "xq-acc", time: Date().addingTimeInterval(-40 * 86_400), rates: [], interfaces: [down(18), down(19), down(20)]))
            let unused = try await edunet(["provision", "plan", "--kind", "unused-ports"])
            #expect(unused.status == 0 && unused.stderr.contains("3 changes, 0 left out"), "\(unused)")
            #expect(
                unused.stdout.contains("ifAdminStatus.18") && unused.stdout.contains("1 (up)") && unused.stdout.contains("2 (down)"),
                "\(unused.stdout)")
            let unusedID = try #require(
                unused.stderr.range(of: #"plan (unused-ports-[0-9-]+)"#, options: .regularExpression).map { String(unused.stderr[$0].dropFirst(5)) })
            let shut = try await edunet(["provision", "apply", unusedID, "--by", "李工", "--reason", "等保整改", "--confirm-within", "10m"])
            #expect(shut.status == 0 && shut.stderr.contains("on probation: edunetd sets it back at "), "\(shut)")
            #expect(try await read(Self.admin(19)) == "2")
            let confirmed = try await edunet(["provision", "confirm", unusedID, "--by", "王工"])
            #expect(confirmed.status == 0 && confirmed.stderr.contains("confirmed by 王工"), "\(confirmed)")
            #expect(try await edunet(["provision", "confirm", unusedID, "--by", "王工"]).status == 1)
            let history = try await edunet(["provision", "history", "--plan", unusedID])
            let change = try #require(history.stdout.split(separator: "\n").dropFirst(2).first?.split(separator: " ").first.map(String.init))
            let one = try await edunet(["provision", "undo", change, "--by", "王工", "--reason", "port 18 is the printer's"])
            #expect(one.status == 0 && one.stderr.contains("1 of 1 changes applied"), "\(one)")
            #expect(try await read(Self.admin(18)) == "1")
            #expect(try await read(Self.admin(20)) == "2")
            #expect(try await edunet(["provision", "undo", unusedID, "--by", "王工", "--reason", "tidy"]).status == 0)
            #expect(try await read(Self.admin(19)) == "1")
            #expect(try await read(Self.admin(20)) == "1")
        }
    }
}
