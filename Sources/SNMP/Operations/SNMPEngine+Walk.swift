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
    public func walk(
        _ target: SNMPTarget, _ root: OID, maxRepetitions: Int = 25,
        _ body: ([VarBind]) throws(SNMPError) -> Void
    ) async throws(SNMPError) {
        try await walk(target, roots: [root], maxRepetitions: maxRepetitions) { _, batch throws(SNMPError) in try body(batch) }
    }

    /// Walks several subtrees side by side: each request carries one cursor per subtree still open, so
    /// walking ifTable and ifXTable together takes half the round trips of walking them one after the other.
    /// `body` gets the index of the root and the varbinds that came for it, in order.
    public func walk(
        _ target: SNMPTarget, roots: [OID], maxRepetitions: Int = 25,
        _ body: (_ root: Int, [VarBind]) throws(SNMPError) -> Void
    ) async throws(SNMPError) {
        try await walk(target, roots: roots, maxRepetitions: maxRepetitions) { root, batch, _ throws(SNMPError) in try body(root, batch) }
    }

    /// The side-by-side walk, also handing `body` the time each answer was received (for rates: a counter is
    /// best timed by the arrival of the answer that carried it).
    public func walk(
        _ target: SNMPTarget, roots: [OID], maxRepetitions: Int = 25,
        _ body: (_ root: Int, [VarBind], _ receivedAt: ContinuousClock.Instant) throws(SNMPError) -> Void
    ) async throws(SNMPError) {
        guard roots.count <= 1000 else {
            throw SNMPError(.invalidRequest, device: target.description, "too many subtrees in one walk (\(roots.count))")
        }
        let bulk = if case .v1 = target.credentials { false } else { true }
        var cursor = WalkCursor(roots: roots, maxRepetitions: maxRepetitions, bulk: bulk)
        while let next = cursor.next {
            let chunk = await walkChunk(cursor, next: next, of: target, limit: Self.walkChunkVarbinds)
            for batch in chunk.batches { try body(batch.root, batch.varbinds, batch.receivedAt) }
            if let error = chunk.error { throw error }
            cursor = chunk.cursor
        }
    }

    /// How many varbinds a walk gathers on the net-snmp thread before handing them to the caller: a poll's whole
    /// walk (about 800) in one go, a controller's table of thousands of access points in a few.
    static let walkChunkVarbinds = 4096

    /// A conceptual table: walks `table` (e.g. IF-MIB ifTable `1.3.6.1.2.1.2.2`) and groups the cells by
    /// row index, so a column with holes leaves those rows without that cell.
    public func table(_ target: SNMPTarget, _ table: OID, maxRepetitions: Int = 25) async throws(SNMPError) -> SNMPTable {
        try await tables(target, [table], maxRepetitions: maxRepetitions)[0]
    }

    /// Several tables walked side by side (e.g. ifTable and ifXTable), in the order asked.
    public func tables(_ target: SNMPTarget, _ tables: [OID], maxRepetitions: Int = 25) async throws(SNMPError) -> [SNMPTable] {
        var builders = tables.map { SNMPTable.Builder(entry: $0.appending(1)) }
        try await walk(target, roots: builders.map(\.entry), maxRepetitions: maxRepetitions) { root, batch in
            for varbind in batch { builders[root].add(varbind) }
        }
        return builders.map(\.table)
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

    /// How many cells (varbinds) the table holds.
    public var cellCount: Int { rows.reduce(0) { $0 + $1.cells.count } }

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
            SNMPTable(
                entry: entry, columns: columns.sorted(),
                rows: rowsByIndex.map { Row(index: $0.key, cells: $0.value) }.sorted { $0.index < $1.index })
        }
    }
}
