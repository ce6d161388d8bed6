import Testing

@testable import SNMP

@Suite("OIDs and values")
struct OIDTests {
    @Test func parsesAndPrints() {
        #expect(OID(parsing: ".1.3.6.1.2.1")?.description == "1.3.6.1.2.1")
        #expect(OID(parsing: "1.3.6.1.4.1.2011.4294967295")?.components.last == UInt32.max)
        #expect(OID(parsing: "1.3.6.1.4.1.2011.4294967296") == nil)
        #expect(OID(parsing: "1..3") == nil)
        #expect(OID(parsing: "1.3.a") == nil)
        #expect(OID(parsing: "") == nil)
        #expect(OID(parsing: Array(repeating: "1", count: 129).joined(separator: ".")) == nil)
    }

    @Test func ordersLikeAWalk() {
        let a: OID = "1.3.6.1.2.1.2.2.1.10.9"
        let b: OID = "1.3.6.1.2.1.2.2.1.10.10"
        let c: OID = "1.3.6.1.2.1.2.2.1.10"
        #expect(a < b)
        #expect(c < a)
        #expect(c.isPrefix(of: a) && !a.isPrefix(of: c))
        #expect(a.suffix(after: c) == "9")
        #expect(a.lastComponent(under: c) == 9)
        #expect(OID("1.3.6.1.2.1.2.2.1.10.9.1").lastComponent(under: c) == nil, "two sub-identifiers after the column")
        #expect(c.lastComponent(under: c) == nil)
        #expect(OID("1.3.6.1.2.1.2.2.1.11.9").lastComponent(under: c) == nil, "another column")
    }

    @Test func displayText() {
        #expect(SNMPValue.octetString(Array("Huawei S5720".utf8)).displayText == "Huawei S5720")
        #expect(SNMPValue.octetString([0x00, 0x1A, 0xFF]).displayText == "00 1a ff")
        #expect(SNMPValue.counter64(UInt64.max).displayText == "18446744073709551615")
        #expect(SNMPValue.ipAddress([10, 0, 0, 1]).displayText == "10.0.0.1")
    }
}
