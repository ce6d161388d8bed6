import Testing
@testable import SNMP

@Suite("Engine against snmpd")
struct EngineSmokeTests {
    let engine = SNMPEngine()

    @Test func getSysDescrV2c() async throws {
        let target = TestAgents.target(TestAgents.snmpd, community: "edunet-test")
        let varbinds = try await engine.get(target, ["1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.3.0"])
        #expect(varbinds.count == 2)
        #expect(varbinds[0].value.text?.isEmpty == false)
        if case .timeTicks = varbinds[1].value {} else { Issue.record("sysUpTime is \(varbinds[1].value)") }
    }

    @Test func walkInterfacesV2c() async throws {
        let target = TestAgents.target(TestAgents.snmpd, community: "edunet-test")
        let varbinds = try await engine.walk(target, "1.3.6.1.2.1.2.2")
        #expect(varbinds.count > 20)
        let table = try await engine.table(target, "1.3.6.1.2.1.2.2")
        #expect(table.rows.count >= 1)
        #expect(table.columns.contains(2))
    }

    @Test func getV3AuthPriv() async throws {
        let user = USMUser(name: "u-sha256-aes128", auth: (.sha256, "edunet-auth-pass"), privacy: (.aes128, "edunet-priv-pass"))
        let target = SNMPTarget(host: "127.0.0.1", port: TestAgents.snmpd.port, credentials: .v3(user), timeout: .seconds(1), retries: 1)
        let varbinds = try await engine.get(target, ["1.3.6.1.2.1.1.5.0"])
        #expect(varbinds.first?.value.text?.isEmpty == false)
    }
}
