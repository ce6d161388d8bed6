import Foundation
internal import GRDB
import Model
import Synchronization

/// Interface rates at poll resolution: written in batches (one transaction a batch), read by device,
/// interface and time, pruned by age. Each (device, interface) is a series with a small integer id, which the
/// rows carry instead of the two names.
public final class MeasurementStore: Sendable {
    public let database: StoreDatabase
    /// Series ids already in the database; an id enters only after the transaction that created it committed.
    private let seriesIDs = Mutex<[SeriesKey: Int64]>([:])

    struct SeriesKey: Hashable {
        let device: String
        let interface: String
    }

    public init(database: StoreDatabase) {
        self.database = database
    }

    /// Stores a batch in one transaction with one prepared statement: all rows or none.
    public func record(_ measurements: [InterfaceMeasurement]) throws(StoreError) {
        guard !measurements.isEmpty else { return }
        try write("storing \(measurements.count) measurements") { db, created in try insert(measurements, db, created: &created) }
    }

    /// Stores all that one poll of one device produced in one transaction: all of it or none of it.
    public func record(_ observations: DeviceObservations) throws(StoreError) {
        guard observations.stations != nil else {
            var none: TerminalMACIndex?
            return try record(observations, sightings: &none)
        }
        // A poll with a client table holds the terminals' MAC index through its transaction, so that two controllers'
        // polls never start from the same index and overwrite each other's listing; the index changes only once the
        // transaction has committed.
        try database.terminalMACs.withLock { (index: inout TerminalMACIndex?) throws(StoreError) in
            var updated: TerminalMACIndex? = index ?? TerminalMACIndex()
            try record(observations, sightings: &updated)
            index = updated
        }
    }

    /// `record(_:)`, with the MAC index the sightings start from (nil: the poll has no client table) and end with.
    private func record(_ observations: DeviceObservations, sightings: inout TerminalMACIndex?) throws(StoreError) {
        var index = sightings
        try write("storing the poll of \(observations.device)") { db, created in
            try insert(observations.rates, db, created: &created)
            let time = observations.time.timeIntervalSince1970
            if let interfaces = observations.interfaces {
                try db.execute(sql: "DELETE FROM interface_status WHERE device = ?", arguments: [observations.device])
                let statement = try db.makeStatement(
                    sql: "INSERT OR REPLACE INTO interface_status (device, interface, seen_at, status) VALUES (?, ?, ?, ?)")
                let encoder = JSONEncoder()
                for interface in interfaces {
                    try statement.execute(arguments: [observations.device, interface.name, time, try encoder.encode(interface)])
                }
                try PostureStore.recordDownSince(device: observations.device, interfaces: interfaces, at: time, db)
            }
            if let accessPoints = observations.accessPoints, !accessPoints.isEmpty {
                let statement = try db.makeStatement(
                    sql: """
                        INSERT OR REPLACE INTO access_point_samples (controller, ap_index, time, name, up, state, clients, radios, radios_up,
                            uplink_mbps, max_rate_mbps, client_rate_mbps) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """)
                for ap in accessPoints {
                    try statement.execute(arguments: [
                        observations.device, ap.index, time, ap.name, ap.up, ap.state, ap.clients, ap.radios,
                        ap.radiosUp, ap.uplinkMbps, ap.maxRateMbps, ap.clientRateMbps,
                    ])
                }
            }
            if let stations = observations.stations, let start = index {
                index = try FleetStore.recordSightings(stations, controller: observations.device, at: observations.time, index: start, db)
            }
            if let host = observations.host {
                let memory = host.total(.memory)
                let disk = host.total(.disk)
                if let uptime = host.uptimeSeconds { try Self.recordRestart(device: observations.device, at: time, uptime: uptime, db) }
                try db.execute(
                    sql: """
                        INSERT OR REPLACE INTO host_samples (device, time, cpu_load, memory_used, memory_size, disk_used, disk_size, uptime)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        observations.device, time, host.meanProcessorLoad, memory.map { Int64(clamping: $0.used) },
                        memory.map { Int64(clamping: $0.size) }, disk.map { Int64(clamping: $0.used) }, disk.map { Int64(clamping: $0.size) },
                        host.uptimeSeconds,
                    ])
                try PoolStore.recordStorage(host.storage.filter { $0.kind == .disk }, device: observations.device, at: time, db)
                try PoolStore.forgetPercentiles(device: observations.device, at: time, db)
            }
        }
        // Only once the poll has committed: a failed transaction wrote none of the sightings the index remembers.
        sightings = index
    }

    /// Records a restart when the host's uptime fell back since its previous poll (only that one poll is read: a host
    /// whose agent never reported an uptime must not cost a scan of its polls).
    private static func recordRestart(device: String, at time: Double, uptime: Double, _ db: Database) throws {
        let previous = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT time, uptime FROM host_samples WHERE device = ? AND time < ? ORDER BY time DESC LIMIT 1"),
            arguments: [device, time])
        guard let previous, let previousUptime: Double = previous["uptime"],
            HostReading.restarted(previous: (previous["time"], previousUptime), time: time, uptime: uptime)
        else { return }
        try db.execute(
            sql: "INSERT OR REPLACE INTO host_restarts (device, time, booted_at) VALUES (?, ?, ?)", arguments: [device, time, time - uptime])
    }

    private func insert(_ measurements: [InterfaceMeasurement], _ db: Database, created: inout [SeriesKey: Int64]) throws {
        guard !measurements.isEmpty else { return }
        let statement = try db.cachedStatement(sql: "INSERT INTO interface_rates (series, time, in_bps, out_bps, unknown) VALUES (?, ?, ?, ?, ?)")
        let known = seriesIDs.withLock { $0 }
        // Rates stamped in five minutes already rolled up (a poll that landed late) are merged into those roll-ups.
        let rolledUpThrough = try Double.fetchOne(db.cachedStatement(sql: "SELECT through FROM rollup_progress WHERE id = 1")) ?? -.infinity
        var late: [(series: Int64, measurement: InterfaceMeasurement)] = []
        for m in measurements {
            let key = SeriesKey(device: m.device, interface: m.interface)
            var id = known[key] ?? created[key]
            if id == nil {
                try db.execute(sql: "INSERT OR IGNORE INTO interface_series (device, interface) VALUES (?, ?)", arguments: [m.device, m.interface])
                id = try Int64.fetchOne(
                    db, sql: "SELECT id FROM interface_series WHERE device = ? AND interface = ?", arguments: [m.device, m.interface])
                created[key] = id
            }
            // Whole bits per second: finer is noise, and integers take half the room of doubles.
            try statement.execute(arguments: [
                id, m.time.timeIntervalSince1970, m.inBitsPerSecond.map { Int64($0.rounded()) },
                m.outBitsPerSecond.map { Int64($0.rounded()) }, m.unknownReason,
            ])
            if let id, m.time.timeIntervalSince1970 <= rolledUpThrough { late.append((id, m)) }
        }
        if !late.isEmpty { try Self.rollUpLate(db, late) }
    }

    /// Runs `body` in one transaction; series it created are remembered once the transaction has committed.
    private func write(_ what: String, _ body: (Database, inout [SeriesKey: Int64]) throws -> Void) throws(StoreError) {
        do {
            let created = try database.pool.write { db in
                var created: [SeriesKey: Int64] = [:]
                try body(db, &created)
                return created
            }
            if !created.isEmpty { seriesIDs.withLock { $0.merge(created) { old, _ in old } } }
        } catch {
            throw StoreError(.writeFailed, "\(what) failed and was rolled back: \(StoreDatabase.describe(error))")
        }
    }

    /// Every series id with its device and interface.
    func series(_ db: Database) throws -> [Int64] { try Int64.fetchAll(db, sql: "SELECT id FROM interface_series") }

    /// One interface's measurements in `[from, to)`, oldest first.
    public func rates(device: String, interface: String, from: Date, to: Date) throws(StoreError) -> [InterfaceMeasurement] {
        try database.read { db in
            // A cursor over the statement, columns by position, names from the arguments: a month of rates is tens of
            // thousands of rows, and copied rows with named columns cost ten times more.
            try Array(
                Row.fetchCursor(
                    db,
                    sql: """
                        SELECT r.time, r.in_bps, r.out_bps, r.unknown FROM interface_series s
                        JOIN interface_rates r ON r.series = s.id AND r.time >= ? AND r.time < ?
                        WHERE s.device = ? AND s.interface = ? ORDER BY r.time
                        """, arguments: [from.timeIntervalSince1970, to.timeIntervalSince1970, device, interface]
                ).map { row in
                    InterfaceMeasurement(
                        device: device, interface: interface, time: Date(timeIntervalSince1970: row[0]),
                        inBitsPerSecond: row.hasNull(atIndex: 1) ? nil : Double(row[1] as Int64),
                        outBitsPerSecond: row.hasNull(atIndex: 2) ? nil : Double(row[2] as Int64), unknownReason: row[3])
                })
        }
    }

    /// The newest measurement of each interface of a device, by interface name.
    public func latest(device: String) throws(StoreError) -> [InterfaceMeasurement] {
        try database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT s.device, s.interface, r.time, r.in_bps, r.out_bps, r.unknown FROM interface_series s
                    JOIN interface_rates r ON r.series = s.id AND r.time = (SELECT MAX(time) FROM interface_rates WHERE series = s.id)
                    WHERE s.device = ? ORDER BY s.interface
                    """, arguments: [device]
            ).map(Self.measurement)
        }
    }

    /// Deletes rates, AP and server samples (and the servers' restarts) older than `date` (the retention window); returns how many rows.
    @discardableResult
    public func prune(olderThan date: Date) throws(StoreError) -> Int {
        var removed = try deleteBySeries(from: "interface_rates", where: "time", before: date)
        for table in ["access_point_samples", "host_samples", "host_restarts"] { removed += try deleteRows(of: table, where: "time", before: date) }
        // An hour's packed polls that reach back before the cut held pruned polls.
        _ = try deleteRows(of: "host_hours", where: "hour", before: date)
        // The hosts' percentiles kept over windows that held pruned polls are no longer what those windows hold.
        _ = try deleteRows(of: "host_percentiles", where: "window_from", before: date)
        return removed
    }

    /// Deletes old rows of a series-keyed table series by series, along its primary key (it has no time index).
    func deleteBySeries(from table: String, where column: String, before date: Date) throws(StoreError) -> Int {
        do {
            return try database.pool.write { db in
                let statement = try db.makeStatement(sql: "DELETE FROM \(table) WHERE series = ? AND \(column) < ?")
                var removed = 0
                for id in try series(db) {
                    try statement.execute(arguments: [id, date.timeIntervalSince1970])
                    removed += db.changesCount
                }
                return removed
            }
        } catch {
            throw StoreError(.writeFailed, "deleting old rows of \(table) failed: \(StoreDatabase.describe(error))")
        }
    }

    /// Deletes the rows of `table` whose time `column` is before `date`; returns how many.
    func deleteRows(of table: String, where column: String, before date: Date) throws(StoreError) -> Int {
        do {
            return try database.pool.write { db in
                try db.execute(sql: "DELETE FROM \(table) WHERE \(column) < ?", arguments: [date.timeIntervalSince1970])
                return db.changesCount
            }
        } catch {
            throw StoreError(.writeFailed, "deleting old rows of \(table) failed: \(StoreDatabase.describe(error))")
        }
    }

    private static func measurement(_ row: Row) -> InterfaceMeasurement {
        InterfaceMeasurement(
            device: row[0], interface: row[1], time: Date(timeIntervalSince1970: row[2]),
            inBitsPerSecond: row[3], outBitsPerSecond: row[4], unknownReason: row[5])
    }
}
