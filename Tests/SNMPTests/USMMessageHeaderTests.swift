import Testing

@testable import SNMP

/// The v3 header the trap listener reads before net-snmp does: engine ID and user of well-formed messages, nil for
/// anything else, and no read past the end of a truncated or lying one.
@Suite("SNMPv3 message header")
struct USMMessageHeaderTests {
    static func tlv(_ tag: UInt8, _ contents: [UInt8]) -> [UInt8] {
        let length: [UInt8] = contents.count < 128 ? [UInt8(contents.count)] : [0x82, UInt8(contents.count >> 8), UInt8(contents.count & 0xff)]
        return [tag] + length + contents
    }

    static func message(version: UInt8 = 3, model: UInt8 = 3, engineID: [UInt8], user: String, padding: Int = 0) -> [UInt8] {
        let global = tlv(0x30, tlv(0x02, [0x04, 0xd2]) + tlv(0x02, [0x00, 0xff, 0xe3]) + tlv(0x04, [0x03]) + tlv(0x02, [model]))
        let parameters = tlv(
            0x30,
            tlv(0x04, engineID) + tlv(0x02, [0x01]) + tlv(0x02, [0x64]) + tlv(0x04, Array(user.utf8)) + tlv(0x04, [UInt8](repeating: 0, count: 12))
                + tlv(0x04, [UInt8](repeating: 1, count: 8)))
        return tlv(0x30, tlv(0x02, [version]) + global + tlv(0x04, parameters) + tlv(0x04, [UInt8](repeating: 0xab, count: 40 + padding)))
    }

    static func header(_ bytes: [UInt8]) -> USMMessageHeader? { bytes.withUnsafeBytes { USMMessageHeader($0) } }

    @Test func readsTheEngineIDAndTheUser() {
        let engine: [UInt8] = [0x80, 0x00, 0x1f, 0x88, 0x80, 0xc0, 0xff, 0xee]
        let header = Self.header(Self.message(engineID: engine, user: "u-trap"))
        #expect(header?.engineID == engine && header?.userName == "u-trap")
        // A long-form length (a message over 127 bytes), and the discovery message's empty engine ID and user.
        #expect(Self.header(Self.message(engineID: engine, user: "u-trap", padding: 300))?.userName == "u-trap")
        let discovery = Self.header(Self.message(engineID: [], user: ""))
        #expect(discovery?.engineID == [] && discovery?.userName == "")
    }

    @Test func anythingElseIsNilAndNothingPastTheEndIsRead() {
        let good = Self.message(engineID: [0x80, 0, 0, 0, 1], user: "u-trap")
        #expect(Self.header(Self.message(version: 1, engineID: [1], user: "u")) == nil, "v2c")
        #expect(Self.header(Self.message(model: 2, engineID: [1], user: "u")) == nil, "not USM")
        for end in 0..<good.count where Self.header(Array(good[..<end])) != nil {
            Issue.record("a message truncated to \(end) bytes was read")
        }
        // A length that claims more than there is.
        var lying = good
        lying[1] = 0x7f
        #expect(Self.header(lying) == nil)
        var huge = good
        huge.replaceSubrange(1...1, with: [0x84, 0xff, 0xff, 0xff, 0xff])
        #expect(Self.header(huge) == nil)
    }
}
