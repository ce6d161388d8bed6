import Model
import Testing

@testable import Monitor
@testable import SNMP

/// How walked cells become access points, for the cases the recordings do not have.
@Suite("Access point readings from walked columns")
struct WirelessReadingTests {
    @Test func withoutAnAPStateTheRadiosDecideAndClientsAreSummedOverRadios() {
        let profile = WirelessProfile.ciscoAirespace
        let ap: OID = "0.58.152.176.46.112"
        var cells: [WirelessProfile.Column: [OID: SNMPValue]] = [profile.name: [ap: .octetString(Array("教学楼-ap01".utf8))]]
        let radios = profile.radios!
        cells[radios.clients!] = [ap.appending(0): .counter32(3), ap.appending(1): .integer32(4)]
        cells[radios.state!.column] = [ap.appending(0): .integer32(1), ap.appending(1): .integer32(2)]
        var noState = profile
        noState.state = nil
        let reading = WirelessPoller.readings(profile: noState, cells: cells)[0]
        #expect(reading.name == "教学楼-ap01" && reading.up == true && reading.state == nil)
        #expect(reading.radios == 2 && reading.radiosUp == 1 && reading.clients == 7)
        #expect(reading.macAddress == "00:3a:98:b0:2e:70")
        // Both radios down and no AP state: down.
        cells[radios.state!.column] = [ap.appending(0): .integer32(1), ap.appending(1): .integer32(1)]
        #expect(WirelessPoller.readings(profile: noState, cells: cells)[0].up == false)
    }

    @Test func anUnknownStateValueIsShownAsItsNumberAndIsNotUp() {
        let profile = WirelessProfile.huawei
        let ap: OID = "1.2.3.4.5.6"
        let cells: [WirelessProfile.Column: [OID: SNMPValue]] = [
            profile.name: [ap: .octetString(Array("x".utf8))], profile.state!.column: [ap: .integer32(99)],
            profile.clients!: [ap: .octetString(Array("lots".utf8))],
        ]
        let reading = WirelessPoller.readings(profile: profile, cells: cells)[0]
        #expect(reading.up == false && reading.state == "99" && reading.clients == nil, "a clients value of the wrong type is no count, not zero")
    }
}
