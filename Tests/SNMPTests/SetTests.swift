import Foundation
import SNMP
import TestSupport
import Testing

/// SNMP SET against a real agent that takes writes (snmpd at 127.21.0.3, `scripts/test-agents.sh writable`): values
/// written and read back in v2c and v3, and each refusal turned into an error that names the status and the object.
@Suite("SNMP SET on a writable agent", .serialized)
struct SetTests {
    static let sysLocation: OID = "1.3.6.1.2.1.1.6.0"
    static let sysContact: OID = "1.3.6.1.2.1.1.4.0"
    static let sysUpTime: OID = "1.3.6.1.2.1.1.3.0"
    static let ifAlias1: OID = "1.3.6.1.2.1.31.1.1.1.18.1"

    static func target(_ port: UInt16, _ credentials: SNMPCredentials) -> SNMPTarget {
        SNMPTarget(host: "127.21.0.3", port: port, credentials: credentials, timeout: .seconds(2), retries: 1)
    }

    static func v3(_ user: String, privacy: String = "edunet-priv-pass") -> SNMPCredentials {
        .v3(USMUser(name: user, auth: (.sha256, "edunet-auth-pass"), privacy: (.aes128, privacy)))
    }

    @Test func valuesAreWrittenAndReadBackInV2cAndV3() async throws {
        try await TestAgents.withWritable { agent in
            let engine = SNMPEngine()
            let write = Self.target(agent.port, .v2c(community: "edunet-write"))
            let read = Self.target(agent.port, .v2c(community: "edunet-test"))
            let label = Array("xq-01 ← agg-xingqing (county-school)".utf8)
            let answered = try await engine.set(
                write,
                [
                    VarBind(oid: Self.ifAlias1, value: .octetString(label)),
                    VarBind(oid: Self.sysLocation, value: .octetString(Array("兴庆区 机房 3".utf8))),
                ])
            #expect(answered.map(\.oid) == [Self.ifAlias1, Self.sysLocation])
            let back = try await engine.get(read, [Self.ifAlias1, Self.sysLocation])
            #expect(back.map(\.value) == [.octetString(label), .octetString(Array("兴庆区 机房 3".utf8))])
            // v3 at authPriv with the read-write user.
            _ = try await engine.set(
                Self.target(agent.port, Self.v3("u-write")), [VarBind(oid: Self.sysContact, value: .octetString(Array("noc@edu".utf8)))])
            let read1 = try await engine.get(read, [Self.sysContact]).first?.value
            #expect(read1 == .octetString(Array("noc@edu".utf8)))
            await engine.shutdown()
        }
    }

    @Test func refusalsNameTheStatusAndTheObject() async throws {
        try await TestAgents.withWritable { agent in
            let engine = SNMPEngine()
            let write = Self.target(agent.port, .v2c(community: "edunet-write"))
            func refusal(_ target: SNMPTarget, _ varbinds: [VarBind]) async -> SNMPError? {
                do {
                    _ = try await engine.set(target, varbinds)
                    return nil
                } catch { return error }
            }
            // A read-only object, the wrong type, a read-only community, a read-only v3 user.
            let readOnly = await refusal(
                write, [VarBind(oid: Self.sysLocation, value: .octetString([0x41])), VarBind(oid: Self.sysUpTime, value: .timeTicks(5))])
            #expect(readOnly?.code == .refused && readOnly?.refusal == .init(status: "notWritable", oid: Self.sysUpTime))
            #expect(readOnly?.message == "the agent refused the SET: notWritable at 1.3.6.1.2.1.1.3.0; the object cannot be written on this agent")
            let wrongType = await refusal(write, [VarBind(oid: Self.sysLocation, value: .integer32(5))])
            #expect(wrongType?.refusal == .init(status: "wrongType", oid: Self.sysLocation))
            let readCommunity = await refusal(
                Self.target(agent.port, .v2c(community: "edunet-test")), [VarBind(oid: Self.sysLocation, value: .octetString([0x42]))])
            #expect(readCommunity?.refusal == .init(status: "noAccess", oid: Self.sysLocation))
            let readUser = await refusal(Self.target(agent.port, Self.v3("u-read")), [VarBind(oid: Self.sysLocation, value: .octetString([0x43]))])
            #expect(readUser?.refusal?.status == "noAccess", "\(String(describing: readUser))")
            // Nothing of a refused SET was written: the first varbind of the notWritable request stayed as it was.
            let read2 = try await engine.get(write, [Self.sysLocation]).first?.value
            #expect(read2 != .octetString([0x41]))
            // A wrong privacy key is no refusal: the agent cannot read the request.
            let wrongKey = await refusal(
                Self.target(agent.port, Self.v3("u-write", privacy: "not-the-priv-pass")),
                [VarBind(oid: Self.sysLocation, value: .octetString([0x44]))])
            #expect(wrongKey != nil && wrongKey?.code != .refused && wrongKey?.refusal == nil)
            // A counter cannot be written: refused before anything is sent.
            let counter = await refusal(write, [VarBind(oid: "1.3.6.1.2.1.2.2.1.10.1", value: .counter32(1))])
            #expect(counter?.code == .invalidRequest && counter?.message.hasPrefix("1.3.6.1.2.1.2.2.1.10.1 cannot be set to a Counter32") == true)
            await engine.shutdown()
        }
    }
}
