import TestSupport
import Testing

@testable import SNMP

/// Every real device recording, walked by our engine and by net-snmp's `snmpbulkwalk` from the same
/// snmpsim agent: the two must agree varbind for varbind.
@Suite("Walks of real device recordings equal snmpbulkwalk's")
struct RecordingWalkTests {
    static let recordings = TestAgents.shards.flatMap { $0 }

    let engine = SNMPEngine()

    private func target(_ name: String) async -> SNMPTarget {
        TestAgents.target(await TestAgents.snmpsim(serving: name), community: name, timeout: .seconds(20), retries: 3)
    }

    private func compare(
        _ ours: [NetSNMPReference.Line], _ reference: [NetSNMPReference.Line], volatile: Set<String>,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(ours.count == reference.count, sourceLocation: sourceLocation)
        var mismatches = 0
        for (mine, theirs) in zip(ours, reference) where mine != theirs {
            let sameType = NetSNMPReference.typeName(mine.value) == NetSNMPReference.typeName(theirs.value)
            if mine.oid == theirs.oid, volatile.contains(mine.oid), sameType { continue }
            mismatches += 1
            if mismatches <= 5 { Issue.record("ours \(mine) — snmpbulkwalk \(theirs)", sourceLocation: sourceLocation) }
        }
        #expect(mismatches == 0, sourceLocation: sourceLocation)
    }

    @Test(arguments: recordings)
    func fullWalk(recording: String) async throws {
        let ours = try await engine.walk(await target(recording), "1").map(NetSNMPReference.line)
        let reference = try await NetSNMPReference.bulkwalk(await TestAgents.snmpsim(serving: recording), community: recording, root: ".1")
        #expect(ours.count > 300)
        compare(ours, reference, volatile: NetSNMPReference.volatileOIDs(recording: recording))
    }

    @Test(arguments: recordings)
    func interfaceTables(recording: String) async throws {
        for table: OID in ["1.3.6.1.2.1.2.2", "1.3.6.1.2.1.31.1.1"] {
            let fetched = try await engine.table(await target(recording), table)
            // Back to varbinds in walk order (column by column) to compare with net-snmp's walk of the table.
            var ours: [VarBind] = []
            for column in fetched.columns {
                for row in fetched.rows {
                    if let value = row.cells[column] {
                        ours.append(VarBind(oid: OID(fetched.entry.components + [column] + row.index.components), value: value))
                    }
                }
            }
            let reference = try await NetSNMPReference.bulkwalk(
                await TestAgents.snmpsim(serving: recording), community: recording, root: "." + table.description)
            compare(ours.map(NetSNMPReference.line), reference, volatile: NetSNMPReference.volatileOIDs(recording: recording))
            if recording == "ubiquiti-m5", table == "1.3.6.1.2.1.31.1.1" { #expect(fetched.rows.isEmpty, "this AP has no ifXTable") }
        }
    }
}
