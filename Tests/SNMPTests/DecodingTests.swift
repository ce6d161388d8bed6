import TestSupport
import Testing

@testable import SNMP

@Suite("Value decoding edge cases, served by snmpsim")
struct DecodingTests {
    let engine = SNMPEngine()
    private func target(_ community: String = "edge-cases") async -> SNMPTarget {
        TestAgents.target(await TestAgents.snmpsim(), community: community, timeout: .seconds(5), retries: 2)
    }

    private func value(_ oid: OID) async throws -> SNMPValue {
        try #require(try await engine.get(await target(), [oid]).first).value
    }

    @Test func counter64AboveTwoToTheSixtyThree() async throws {
        #expect(try await value("1.3.6.1.4.1.99999.1.1.0") == .counter64(UInt64.max))
        #expect(try await value("1.3.6.1.4.1.99999.1.2.0") == .counter64(9_223_372_036_854_775_809))
    }

    @Test func negativeIntegers() async throws {
        #expect(try await value("1.3.6.1.4.1.99999.1.3.0") == .integer32(Int32.min))
        #expect(try await value("1.3.6.1.4.1.99999.1.4.0") == .integer32(-1))
    }

    @Test func emptyAndBinaryAndUTF8OctetStrings() async throws {
        #expect(try await value("1.3.6.1.4.1.99999.1.5.0") == .octetString([]))
        let binary = try await value("1.3.6.1.4.1.99999.1.6.0")
        #expect(binary == .octetString([0x00, 0xFF, 0x80, 0xFE, 0x0A]))
        #expect(binary.text == nil && binary.displayText == "00 ff 80 fe 0a")
        let chinese = try await value("1.3.6.1.4.1.99999.1.12.0")
        #expect(chinese.text == "兴庆区第一小学")
    }

    @Test func oidsOf128SubIdentifiers() async throws {
        let long = try #require(OID(parsing: Recordings.longOID))
        #expect(long.count == 128)
        #expect(try await value("1.3.6.1.4.1.99999.1.7.0") == .objectIdentifier(long))
        #expect(try await value(long) == .integer32(42))
        let walked = try await engine.walk(await target(), "1.3.6.1.4.1.99999.2")
        #expect(walked.map(\.oid) == [long])
    }

    @Test func unsignedMaximaAndAddresses() async throws {
        #expect(try await value("1.3.6.1.4.1.99999.1.8.0") == .ipAddress([127, 0, 0, 1]))
        #expect(try await value("1.3.6.1.4.1.99999.1.9.0") == .timeTicks(UInt32.max))
        #expect(try await value("1.3.6.1.4.1.99999.1.10.0") == .gauge32(UInt32.max))
        #expect(try await value("1.3.6.1.4.1.99999.1.11.0") == .counter32(UInt32.max))
    }

    @Test func aWalkThatGoesBackwardsStops() async throws {
        let misordered = await target("misordered")
        var delivered: [OID] = []
        do {
            try await engine.walk(misordered, "1.3.6.1.4.1.99999.3") { delivered += $0.map(\.oid) }
            Issue.record("the walk finished although the agent went backwards")
        } catch {
            #expect(error.code == .nonIncreasing)
            #expect(error.message.contains("1.3.6.1.4.1.99999.3.3.0") && error.message.contains("1.3.6.1.4.1.99999.3.2.0"))
        }
        #expect(delivered == ["1.3.6.1.4.1.99999.3.1.0", "1.3.6.1.4.1.99999.3.3.0"])
    }
}
