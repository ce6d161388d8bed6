import Foundation
import TestSupport

@testable import SNMP

/// net-snmp's own tools as the reference: runs `snmpbulkwalk` and reads its output, and renders our
/// varbinds the way it prints them (`-On -Ox -Oe -Ot --hexOutputLength=0`), so the two compare line for line.
enum NetSNMPReference {
    struct Line: Equatable, CustomStringConvertible {
        let oid: String
        let value: String
        var description: String { "\(oid) = \(value)" }
    }

    /// `snmpbulkwalk`'s walk of `root`, waited for without holding a test thread: a walk of a large recording takes
    /// minutes, and the tests share as many threads as there are cores.
    static func bulkwalk(_ agent: TestAgents.Agent, community: String, root: String) async throws -> [Line] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("edunet-bulkwalk-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: file) }
        _ = try await TestProcess.run(
            "{ MIBS= /usr/bin/snmpbulkwalk -v2c -c '\(community)' -On -Ox -Oe -Ot --hexOutputLength=0 -Cr25 -t 20 -r 3 "
                + "\(agent.host):\(agent.port) '\(root)' > '\(file.path)' 2>/dev/null; }")
        let text = try String(contentsOf: file, encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            guard let range = line.range(of: " = "), line.hasPrefix(".") else { return nil }
            let value = String(line[range.upperBound...])
            if value.hasPrefix("No more variables left") || value.hasPrefix("No Such") { return nil }
            return Line(oid: String(line[..<range.lowerBound].dropFirst()), value: value)
        }
    }

    /// The type part of a printed value: `Counter32` of `Counter32: 5`; TimeTicks print bare (`-Ot`).
    static func typeName(_ value: String) -> Substring {
        value.range(of: ": ").map { value[..<$0.lowerBound] } ?? "TimeTicks"
    }

    static func line(_ varbind: VarBind) -> Line { Line(oid: varbind.oid.description, value: text(varbind.value)) }

    static func text(_ value: SNMPValue) -> String {
        switch value {
        case .integer32(let v): "INTEGER: \(v)"
        case .octetString(let bytes): bytes.isEmpty ? "\"\"" : "Hex-STRING: " + bytes.map { String(format: "%02X ", $0) }.joined()
        case .null: "NULL"
        case .objectIdentifier(let oid): "OID: .\(oid)"
        case .ipAddress(let bytes): "IpAddress: " + bytes.map(String.init).joined(separator: ".")
        case .counter32(let v): "Counter32: \(v)"
        case .gauge32(let v): "Gauge32: \(v)"
        case .timeTicks(let v): "\(v)"
        case .opaque(let bytes): "OPAQUE: " + bytes.map { String(format: "%02X ", $0) }.joined()
        case .counter64(let v): "Counter64: \(v)"
        case .noSuchObject: "No Such Object available on this agent at this OID"
        case .noSuchInstance: "No Such Instance currently exists at this OID"
        case .endOfMibView: "No more variables left in this MIB View (It is past the end of the MIB tree)"
        }
    }

    /// OIDs whose value snmpsim computes per request (variation modules): only the OID and type can match.
    static func volatileOIDs(recording name: String) -> Set<String> {
        let shard = TestAgents.shards.firstIndex { $0.contains(name) } ?? 0
        let path = TestAgents.base.appendingPathComponent("snmpsim-\(shard)/data/\(name).snmprec").path
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        var result: Set<String> = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "|", maxSplits: 2, omittingEmptySubsequences: false)
            if fields.count >= 2, fields[1].contains(":") { result.insert(String(fields[0])) }
        }
        return result
    }
}
