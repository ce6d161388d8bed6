import CNetSNMP

extension SNMPEngine {
    /// Every object under `root`, in order: GET-BULK with `maxRepetitions` for v2c and v3, GET-NEXT for v1.
    /// A `tooBig` answer is retried with fewer repetitions; an agent that loops or goes backwards stops
    /// the walk with `nonIncreasing`.
    public func walk(_ target: SNMPTarget, _ root: OID, maxRepetitions: Int = 25) async throws(SNMPError) -> [VarBind] {
        var result: [VarBind] = []
        try await walk(target, root, maxRepetitions: maxRepetitions) { result.append(contentsOf: $0) }
        return result
    }

    /// A walk that hands each answer's varbinds to `body` as they arrive (memory stays flat for huge tables).
    public func walk(_ target: SNMPTarget, _ root: OID, maxRepetitions: Int = 25,
                     _ body: ([VarBind]) throws(SNMPError) -> Void) async throws(SNMPError) {
        var last = root
        var repetitions = max(1, maxRepetitions)
        let useBulk = if case .v1 = target.credentials { false } else { true }
        while true {
            let response = try await send(useBulk ? .getBulk([last], nonRepeaters: 0, maxRepetitions: repetitions) : .getNext([last]), to: target)
            if response.errorStatus == Int(SNMP_ERR_TOOBIG), repetitions > 1 {
                repetitions = max(1, repetitions / 2)
                continue
            }
            if response.errorStatus == Int(SNMP_ERR_NOSUCHNAME), !useBulk { return }  // v1: end of the MIB
            let answer = try checked(response, target: target).varbinds
            var batch: [VarBind] = []
            batch.reserveCapacity(answer.count)
            var finished = answer.isEmpty
            for varbind in answer {
                if varbind.value == .endOfMibView || !root.isPrefix(of: varbind.oid) || varbind.oid == root && varbind.value.isException {
                    finished = true
                    break
                }
                guard last < varbind.oid else {
                    try body(batch)  // what came in order is still delivered
                    throw SNMPError(.nonIncreasing, device: target.description,
                                    "the walk of \(root) went from \(last) to \(varbind.oid), not forwards; the agent's MIB order is broken")
                }
                batch.append(varbind)
                last = varbind.oid
            }
            try body(batch)
            if finished { return }
        }
    }

    /// A conceptual table: walks `table` (e.g. IF-MIB ifTable `1.3.6.1.2.1.2.2`) and groups the cells by
    /// row index, so a column with holes leaves those rows without that cell.
    public func table(_ target: SNMPTarget, _ table: OID, maxRepetitions: Int = 25) async throws(SNMPError) -> SNMPTable {
        let entry = table.appending(1)
        var builder = SNMPTable.Builder(entry: entry)
        try await walk(target, entry, maxRepetitions: maxRepetitions) { batch in
            for varbind in batch { builder.add(varbind) }
        }
        return builder.table
    }
}

/// A table fetched by `SNMPEngine.table`: its columns, and its rows keyed by index in index order.
public struct SNMPTable: Sendable, Hashable {
    /// One row: its index (the OID suffix after the column) and the cells it has, by column number.
    public struct Row: Sendable, Hashable {
        public var index: OID
        public var cells: [UInt32: SNMPValue]
    }

    /// The table entry OID (the table's OID followed by `.1`).
    public var entry: OID
    /// Column numbers seen, ascending.
    public var columns: [UInt32]
    public var rows: [Row]

    public subscript(index: OID) -> Row? { rows.first { $0.index == index } }

    struct Builder {
        let entry: OID
        private var columns: Set<UInt32> = []
        private var rowsByIndex: [OID: [UInt32: SNMPValue]] = [:]

        init(entry: OID) { self.entry = entry }

        mutating func add(_ varbind: VarBind) {
            guard let suffix = varbind.oid.suffix(after: entry), suffix.count >= 2 else { return }
            let column = suffix.components[0]
            columns.insert(column)
            rowsByIndex[OID(Array(suffix.components.dropFirst())), default: [:]][column] = varbind.value
        }

        var table: SNMPTable {
            SNMPTable(entry: entry, columns: columns.sorted(),
                      rows: rowsByIndex.map { Row(index: $0.key, cells: $0.value) }.sorted { $0.index < $1.index })
        }
    }
}
