import API
import Foundation
import Hummingbird
import HummingbirdTesting
import Model
import Pool
import SNMP
import Store
import TestSupport
import Testing

/// The API's writes beyond alerts: allocations in the education cloud through admission control, and plans written to
/// a real agent that takes writes (snmpd on loopback), applied on probation, confirmed and undone, each write in the
/// audit logs under the token's name and a county token held to its county.
@Suite("The API's writes: the cloud and provisioning")
struct APIWriteTests {
    typealias City = APITests.City

    static func json(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any], "\(String(buffer: response.body))")
    }

    static func headers(_ city: City, _ token: String) -> HTTPFields {
        [.authorization: "Bearer \(city.tokens[token]!)", .contentType: "application/json"]
    }

    @Test func allocationsGoThroughAdmissionControlInTheTokensName() async throws {
        let city = try await City()
        let app = try city.application()
        try await app.test(.live) { client in
            func post(_ uri: String, _ token: String, _ body: String) async throws -> TestResponse {
                try await client.execute(uri: uri, method: .post, headers: Self.headers(city, token), body: ByteBuffer(string: body))
            }
            let status = try Self.json(try await client.execute(uri: "/api/v1/pool", method: .get, headers: Self.headers(city, "helan-operate")))
            let sites = try #require(status["sites"] as? [[String: Any]])
            #expect(sites.count == 6 && Set(sites.compactMap { $0["site"] as? String }) == ["cloud-a", "cloud-b"], "every token reads the sites")
            let reserved = sites.filter { $0["resource"] as? String == "vcpu" }.compactMap { $0["reserved"] as? Double }.reduce(0, +)
            #expect(reserved == 8, "Yongning's 8 vCPUs are reserved")
            #expect((status["findings"] as? [[String: Any]])?.contains { $0["rule"] as? String == "pool-site-loss" } == true)

            // Helan's county bureau asks: a dry run stores nothing; the allocation is stored in the token's name.
            let dry = try await post(
                "/api/v1/pool/allocations", "helan-operate", #"{"tenant":"helan","vcpus":4,"memory":"16GiB","reason":"x","dry_run":true}"#)
            let decision = try Self.json(dry)["decision"] as? [String: Any]
            #expect(dry.status == .ok && decision?["accepted"] as? Bool == true)
            #expect(try PoolStore(database: city.database).allocations(released: false).count == 1)
            let made = try await post(
                "/api/v1/pool/allocations", "helan-operate",
                #"{"tenant":"helan","name":"阅卷","vcpus":4,"memory":"16GiB","storage":"500GB","reason":"阅卷系统"}"#)
            #expect(made.status == .created, "\(String(buffer: made.body))")
            let allocation = try #require(try Self.json(made)["allocation"] as? [String: Any])
            let id = try #require(allocation["id"] as? Int)
            #expect(allocation["tenant"] as? String == "helan" && (allocation["resources"] as? [String: Any])?["memory"] as? String == "16GiB")
            let history = try PoolStore(database: city.database).history(limit: 10)
            #expect(history.first?.by == "helan-operate" && history.first?.why == "阅卷系统", "\(history)")

            // Helan lists its own; the city sees both.
            let helanList = try Self.json(
                try await client.execute(uri: "/api/v1/pool/allocations", method: .get, headers: Self.headers(city, "helan-operate")))
            #expect((helanList["items"] as? [[String: Any]])?.compactMap { $0["id"] as? Int } == [id])
            let cityList = try Self.json(
                try await client.execute(uri: "/api/v1/pool/allocations", method: .get, headers: Self.headers(city, "city-read")))
            #expect((cityList["items"] as? [[String: Any]])?.compactMap { $0["id"] as? Int } == [Int(city.yongningAllocation), id])

            // Refusals and bad input, each naming the field; nothing stored.
            let tooBig = try await post("/api/v1/pool/allocations", "city-operate", #"{"tenant":"city-platform","vcpus":100000,"reason":"x"}"#)
            #expect(tooBig.status == .conflict && String(buffer: tooBig.body).contains("allocation refused"), "\(String(buffer: tooBig.body))")
            let forced = try await post(
                "/api/v1/pool/allocations", "city-operate", #"{"tenant":"city-platform","vcpus":1,"reason":"x","force":true}"#)
            #expect(forced.status == .forbidden && String(buffer: forced.body).contains(#""field":"force""#))
            for (body, status, field) in [
                (#"{"tenant":"s1","vcpus":1,"reason":"x"}"#, HTTPResponse.Status.notFound, "tenant"),
                (#"{"tenant":"helan","vcpus":1,"site":"cloud-c","reason":"x"}"#, .notFound, "site"),
                (#"{"tenant":"helan","memory":"64","reason":"x"}"#, .badRequest, "memory"),
                (#"{"tenant":"helan","reason":"x"}"#, .badRequest, "vcpus"),
                (#"{"tenant":"helan","vcpus":1.5,"reason":"x"}"#, .badRequest, "vcpus"),
                (#"{"tenant":"helan","vcpus":1,"reason":" "}"#, .badRequest, "reason"),
                (#"{"tenant":"helan","vcpus":1,"reason":"x","dry_run":1}"#, .badRequest, "dry_run"),
            ] {
                let answer = try await post("/api/v1/pool/allocations", "helan-operate", body)
                #expect(
                    answer.status == status && String(buffer: answer.body).contains(#""field":"\#(field)""#),
                    "\(body): \(String(buffer: answer.body))")
            }
            #expect(try PoolStore(database: city.database).allocations(released: true).count == 2)

            // Released by Helan; Yongning's is not Helan's to release.
            let foreign = try await post("/api/v1/pool/allocations/\(city.yongningAllocation)/release", "helan-operate", #"{"reason":"x"}"#)
            #expect(foreign.status == .notFound)
            let released = try await post("/api/v1/pool/allocations/\(id)/release", "helan-operate", #"{"reason":"项目结束"}"#)
            let given = try Self.json(released)
            #expect(released.status == .ok && given["releasedAt"] != nil)
            #expect(try await post("/api/v1/pool/allocations/\(id)/release", "helan-operate", #"{"reason":"x"}"#).status == .notFound)
            let audit = try APITokenStore(database: city.database).auditLog()
            #expect(audit.map(\.token) == ["helan-operate", "helan-operate"] && audit.allSatisfy { $0.method == "POST" })
            #expect(
                audit.first?.detail.hasPrefix("allocation \(id): 4 vCPU, 16GiB memory, 465.66GiB storage for helan in cloud-") == true, "\(audit)")
            #expect(audit.last?.detail == "released allocation \(id) of helan")
        }
    }

    static let sysName = "1.3.6.1.2.1.1.5.0"

    /// The city with Yongning school s1's access switch at the writable agent, written with the write community.
    static func configuration(_ city: City, port: UInt16) -> CityConfiguration {
        var configuration = city.configuration
        configuration.inventory.devices.append(
            Device(
                id: "s1-acc", name: "一小接入", role: .accessSwitch, school: "s1",
                management: ManagementAddress(address: IPAddress("127.21.0.3")!, port: Int(port)), snmpProfile: "rw-read",
                snmpWriteProfile: "rw-write"))
        configuration.inventory.snmpProfiles += [
            SNMPProfile(id: "rw-read", version: .v2c, community: .environment("PLAN_TEST_READ")),
            SNMPProfile(id: "rw-write", version: .v2c, community: .environment("PLAN_TEST_WRITE")),
        ]
        return configuration
    }

    @Test func aPlanIsAppliedOnProbationConfirmedAndUndoneByAnAdminToken() async throws {
        setenv("PLAN_TEST_READ", "edunet-test", 1)
        setenv("PLAN_TEST_WRITE", "edunet-write", 1)
        try await TestAgents.withWritable { agent in
            let city = try await City()
            let engine = SNMPEngine()
            let read = SNMPTarget(host: "127.21.0.3", port: agent.port, credentials: .v2c(community: "edunet-test"))
            @Sendable func sysName() async throws -> String {
                guard case .octetString(let bytes)? = try await engine.get(read, [OID(parsing: Self.sysName)!]).first?.value else { return "?" }
                return String(decoding: bytes, as: UTF8.self)
            }
            let original = try await sysName()
            let plan = try ProvisioningStore(database: city.database).save(
                kind: "alias",
                changes: [ProvisioningChange(device: "s1-acc", interface: "system", object: Self.sysName, current: original, new: "一小接入 s1")],
                at: city.now)
            let app = try city.application(configuration: Self.configuration(city, port: agent.port))
            try await app.test(.live) { client in
                func post(_ path: String, _ token: String, _ body: String? = nil) async throws -> TestResponse {
                    try await client.execute(
                        uri: "/api/v1/provisioning/plans/\(plan)/\(path)", method: .post, headers: Self.headers(city, token),
                        body: body.map { ByteBuffer(string: $0) })
                }
                let listed = try Self.json(
                    try await client.execute(uri: "/api/v1/provisioning/plans", method: .get, headers: Self.headers(city, "yongning-read")))
                let summary = try #require((listed["items"] as? [[String: Any]])?.first { $0["id"] as? String == plan })
                #expect(summary["state"] as? String == "planned" && summary["devices"] as? [String] == ["s1-acc"])
                #expect(try await post("apply", "helan-admin", #"{"reason":"x"}"#).status == .notFound)
                #expect(try await post("apply", "city-operate", #"{"reason":"x"}"#).status == .forbidden)
                #expect(try await post("apply", "city-admin", #"{"reason":"x","confirm_within_minutes":0}"#).status == .badRequest)
                #expect(try await sysName() == original, "nothing written by a refused request")

                let applied = try Self.json(try await post("apply", "city-admin", #"{"reason":"label the switch","confirm_within_minutes":10}"#))
                #expect(applied["applied"] as? Int == 1, "\(applied)")
                let state = try #require(applied["plan"] as? [String: Any])
                #expect(state["state"] as? String == "applied" && (state["deadline"] as? [String: Any])?["kind"] as? String == "probation")
                #expect(try await sysName() == "一小接入 s1")
                let deadline = try #require(try ProvisioningStore(database: city.database).deadline(plan: plan))
                #expect(deadline.due == city.now.addingTimeInterval(600) && deadline.settledAt == nil)

                let confirmed = try Self.json(try await post("confirm", "city-admin"))
                #expect((confirmed["deadline"] as? [String: Any])?["settled"] as? String == "confirmed by city-admin", "\(confirmed)")
                #expect(try await post("confirm", "city-admin").status == .conflict)

                let undone = try Self.json(try await post("undo", "city-admin", #"{"reason":"wrong label"}"#))
                #expect(undone["applied"] as? Int == 1 && (undone["plan"] as? [String: Any])?["state"] as? String == "undone", "\(undone)")
                #expect(try await sysName() == original)
                #expect(try await post("undo", "city-admin", #"{"reason":"again"}"#).status == .conflict)

                let audit = try ProvisioningStore(database: city.database).audit(plan: plan)
                #expect(audit.map(\.by) == ["city-admin", "city-admin"] && audit.map(\.why) == ["label the switch", "undo: wrong label"])
                let api = try APITokenStore(database: city.database).auditLog()
                #expect(api.map(\.path) == ["apply", "confirm", "undo"].map { "/api/v1/provisioning/plans/\(plan)/\($0)" })
                #expect(api.allSatisfy { $0.token == "city-admin" })

                // Plans made through the API: the school's link labels (its devices have no write profile: left out,
                // nothing stored), and a quarantine needs its station.
                let made = try await client.execute(
                    uri: "/api/v1/provisioning/plans", method: .post, headers: Self.headers(city, "city-operate"),
                    body: ByteBuffer(string: #"{"kind":"alias","school":"s1"}"#))
                let body = try Self.json(made)
                #expect(made.status == .ok && body["id"] == nil && (body["refusals"] as? [Any])?.isEmpty == false, "\(body)")
                for (request, field) in [
                    (#"{"kind":"quarantine"}"#, "mac"), (#"{"kind":"alias","mac":"00:0c:29:aa:bb:cc"}"#, "mac"), (#"{"kind":"vlan"}"#, "kind"),
                ] {
                    let answer = try await client.execute(
                        uri: "/api/v1/provisioning/plans", method: .post, headers: Self.headers(city, "city-operate"),
                        body: ByteBuffer(string: request))
                    #expect(answer.status == .badRequest && String(buffer: answer.body).contains(#""field":"\#(field)""#), "\(request)")
                }
                #expect(try ProvisioningStore(database: city.database).plans().count == 2, "Yongning's plan and this test's only")
            }
        }
    }
}
