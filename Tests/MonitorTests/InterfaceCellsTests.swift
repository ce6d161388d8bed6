import Foundation
import Testing

@testable import Monitor
@testable import SNMP

/// How walked cells become interface rows, for the orders and holes the recordings do not have.
@Suite("Interface rows from walked columns")
struct InterfaceCellsTests {
    @Test func rowsAreIfTablesInIfIndexOrderWithTheirIfXTableCells() {
        var cells = InterfaceCells()
        // ifXTable's ifName comes first for 7 (the ifTable columns have a hole there), and for 99, which ifTable lacks.
        cells.set(.octetString(Array("Gi0/7".utf8)), column: .ifName, ifIndex: 7, receivedAfter: .milliseconds(1))
        cells.set(.octetString(Array("ghost".utf8)), column: .ifName, ifIndex: 99, receivedAfter: .milliseconds(1))
        cells.set(.counter64(500), column: .ifHCInOctets, ifIndex: 7, receivedAfter: .milliseconds(9))
        cells.set(.counter32(10), column: .ifInOctets, ifIndex: 3, receivedAfter: .milliseconds(2))
        cells.set(.counter32(70), column: .ifInOctets, ifIndex: 7, receivedAfter: .milliseconds(3))
        cells.set(.integer32(1), column: .ifOperStatus, ifIndex: 3, receivedAfter: .milliseconds(2))
        let rows = cells.ifTableRows
        #expect(rows.map(cells.ifIndex(of:)) == [3, 7], "ifTable's rows only, by ifIndex, whatever order they came in")
        let (three, seven) = (cells.row(rows[0]), cells.row(rows[1]))
        #expect(three[.ifInOctets] == .counter32(10) && three[.ifOperStatus] == .integer32(1) && three[.ifName] == nil)
        #expect(seven[.ifName] == .octetString(Array("Gi0/7".utf8)) && seven[.ifHCInOctets] == .counter64(500))
        #expect(seven[.ifOperStatus] == nil && seven[.ifInOctets] == .counter32(70))
        #expect(cells.arrival(of: rows[1]) == .milliseconds(9), "the HC counters' answer times the row")
        #expect(cells.arrival(of: rows[0]) == .milliseconds(2), "else the 32-bit counters'")
    }

    @Test func aReadingNamesTheColumnAValueOfTheWrongTypeCameIn() {
        var cells = InterfaceCells()
        cells.set(.octetString(Array("x".utf8)), column: .ifHCInOctets, ifIndex: 1, receivedAfter: .zero)
        cells.set(.counter32(5), column: .ifInOctets, ifIndex: 1, receivedAfter: .zero)
        cells.set(.gauge32(1000), column: .ifHighSpeed, ifIndex: 1, receivedAfter: .zero)
        let reading = InterfacePoller.reading(index: 1, cells: cells.row(cells.ifTableRows[0]), time: .init(timeIntervalSince1970: 0), sysUpTime: 1)
        #expect(reading.problems == ["ifHCInOctets is OctetString, not Counter64"])
        #expect(reading.sample.inOctets == .bits32(5) && reading.speedBitsPerSecond == 1_000_000_000 && reading.key == "ifIndex.1")
    }
}
