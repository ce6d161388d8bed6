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

    @Test func planApplyHistoryAndUndo() async throws {
        try await TestAgents.withWritable { agent in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("edunet-provision-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            try FileManager.default.createDirectory(at: directory.appendingPathComponent("inventory"), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: TestAgents.root.appendingPathComponent("policies"), to: directory.appendingPathComponent("policies"))
            try FileManager.default.copyItem(
                at: TestAgents.root.appendingPathComponent("inventory/counties.yaml"), to: directory.appendingPathComponent("inventory/counties.yaml")
            )
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
            func edunet(_ arguments: [String]) throws -> EdunetTool.Outcome { try EdunetTool.run(arguments, in: directory, environment: environment) }
            #expect(try edunet(["inventory", "apply", "--inventory", "inventory", "--policies", "policies"]).status == 0)
            // The poll the plan is made on: lo (ifIndex 1) with the alias the agent holds now.
            let now = try edunet(["snmp", "get", "127.21.0.3:\(agent.port)", Self.ifAlias1, "--community", "edunet-test", "--format", "json"])
            let before = try #require(try JSONSerialization.jsonObject(with: Data(now.stdout.utf8)) as? [String: Any])["value"] as? String
            try MeasurementStore(database: try StoreDatabase(path: environment["EDUNET_DB"]!)).record(
                DeviceObservations(
                    device: "lab-acc", time: Date(), rates: [],
                    interfaces: [
                        InterfaceStatus(name: "lo", index: 1, alias: before, speedBitsPerSecond: 10_000_000_000, adminUp: true, operUp: true)
                    ]))

            let plan = try edunet(["provision", "plan", "--kind", "alias"])
            #expect(plan.status == 0 && plan.stdout.contains("lab-up county-school to agg-sw"), "\(plan)")
            #expect(plan.stdout.contains("no snmp_write_profile in the inventory"), "agg-sw is never written to")
            let id = try #require(
                plan.stderr.range(of: #"plan (alias-[0-9-]+)"#, options: .regularExpression).map { String(plan.stderr[$0].dropFirst(5)) })

            let applied = try edunet(["provision", "apply", id, "--by", "李工", "--reason", "label the uplink"])
            #expect(applied.status == 0 && applied.stderr.contains("1 of 1 changes applied"), "\(applied)")
            let labelled = try edunet(["snmp", "get", "127.21.0.3:\(agent.port)", Self.ifAlias1, "--community", "edunet-test", "--format", "json"])
            #expect(labelled.stdout.contains(#""value":"lab-up county-school to agg-sw""#), "\(labelled)")
            // Applied again, the plan is refused: the alias no longer holds what it was made on.
            let again = try edunet(["provision", "apply", id, "--by", "李工", "--reason", "again"])
            #expect(again.status == 1 && again.stdout.contains("not what the plan was made on"), "\(again)")

            let undone = try edunet(["provision", "undo", id, "--by", "王工", "--reason", "wrong port"])
            #expect(undone.status == 0, "\(undone)")
            let restored = try edunet(["snmp", "get", "127.21.0.3:\(agent.port)", Self.ifAlias1, "--community", "edunet-test", "--format", "json"])
            #expect((try JSONSerialization.jsonObject(with: Data(restored.stdout.utf8)) as? [String: Any])?["value"] as? String == before)

            let history = try edunet(["provision", "history", "--format", "csv"])
            let rows = history.stdout.dropFirst().components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(rows.first == "id,plan,at,by,why,device,interface,object,before,after,result")
            #expect(rows.count == 4, "\(rows)")
            #expect(rows[1].contains(",李工,label the uplink,lab-acc,lo,\(Self.ifAlias1),") && rows[1].hasSuffix(",applied"), "\(rows)")
            #expect(rows[3].contains(",王工,undo: wrong port,lab-acc,lo,") && rows[3].hasSuffix(",applied"), "\(rows)")
            let missing = try edunet(["provision", "apply", "alias-19700101-0000-9", "--by", "李工", "--reason", "x"])
            #expect(missing.status == 1 && missing.stderr.contains("no plan `alias-19700101-0000-9`"))
            let anonymous = try edunet(["provision", "apply", id, "--by", " ", "--reason", "x"])
            #expect(anonymous.status == 64 && anonymous.stderr.contains("--by and --reason must say who and why"))
        }
    }
}
