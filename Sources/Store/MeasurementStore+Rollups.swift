import Foundation
internal import GRDB
import Model

/// Five minutes of one interface: mean and max per direction over the measured intervals, and the share measured.
public struct InterfaceRollup: Sendable, Hashable {
    public var device: String
    public var interface: String
    public var bucketStart: Date
    public var inMean: Double?
    public var inMax: Double?
    public var outMean: Double?
    public var outMax: Double?
    /// Intervals stored in the five minutes, and how many of them had a rate (the rest were unknown).
    public var intervals: Int
    public var measured: Int
}

extension MeasurementStore {
    public static let rollupSeconds: Double = 300

    /// Rolls up every five minutes that ended by `date` and is not rolled up yet; returns the buckets written.
    /// Unknown intervals count in `intervals` but not in the means and maxima.
    @discardableResult
    public func rollUp(through date: Date) throws(StoreError) -> Int {
        let end = (date.timeIntervalSince1970 / Self.rollupSeconds).rounded(.down) * Self.rollupSeconds
        do {
            return try database.pool.write { db in
                let start = try Double.fetchOne(db, sql: "SELECT through FROM rollup_progress WHERE id = 1") ?? 0
                guard end > start else { return 0 }
                try Self.rollUp(db, after: start, through: end)
                let written = db.changesCount
                try db.execute(sql: "INSERT OR REPLACE INTO rollup_progress (id, through) VALUES (1, ?)", arguments: [end])
                return written
            }
        } catch {
            throw StoreError(.writeFailed, "rolling up rates failed and was rolled back: \(StoreDatabase.describe(error))")
        }
    }

    /// Writes the roll-ups of the rates stamped in `(start, end]`, replacing those there were. Rates stamped at the
    /// end of their interval: a rate at 10:05:00 belongs to 10:00–10:05. The join walks each series' primary key
    /// over the span (the rates have no time index).
    static func rollUp(_ db: Database, after start: Double, through end: Double) throws {
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO interface_rollups_5m (series, bucket, in_mean, in_max, out_mean, out_max, intervals, measured)
                SELECT r.series, (CAST((r.time - 0.001) / ? AS INTEGER)) * ? AS bucket,
                       CAST(ROUND(AVG(r.in_bps)) AS INTEGER), MAX(r.in_bps), CAST(ROUND(AVG(r.out_bps)) AS INTEGER), MAX(r.out_bps),
                       COUNT(*), COUNT(COALESCE(r.in_bps, r.out_bps))
                FROM interface_series s CROSS JOIN interface_rates r ON r.series = s.id AND r.time > ? AND r.time <= ?
                GROUP BY r.series, bucket
                """, arguments: [rollupSeconds, rollupSeconds, start, end])
    }

    /// A rate that arrived after its five minutes were rolled up (a poll that landed late) is added to that roll-up:
    /// merged into its means, maxima and counts, since the span's other rates may already be gone (interfaces kept
    /// at five-minute resolution only).
    static func rollUpLate(_ db: Database, _ late: [(series: Int64, measurement: InterfaceMeasurement)]) throws {
        let statement = try db.makeStatement(
            sql: """
                INSERT INTO interface_rollups_5m (series, bucket, in_mean, in_max, out_mean, out_max, intervals, measured)
                VALUES (?1, ?2, ?3, ?3, ?4, ?4, 1, ?5)
                ON CONFLICT (series, bucket) DO UPDATE SET
                    in_mean = CASE WHEN ?3 IS NULL THEN in_mean WHEN in_mean IS NULL THEN ?3
                                   ELSE CAST(ROUND((in_mean * measured + ?3) / (measured + 1.0)) AS INTEGER) END,
                    out_mean = CASE WHEN ?4 IS NULL THEN out_mean WHEN out_mean IS NULL THEN ?4
                                    ELSE CAST(ROUND((out_mean * measured + ?4) / (measured + 1.0)) AS INTEGER) END,
                    in_max = MAX(COALESCE(in_max, ?3), COALESCE(?3, in_max)),
                    out_max = MAX(COALESCE(out_max, ?4), COALESCE(?4, out_max)),
                    intervals = intervals + 1, measured = measured + ?5
                """)
        for (series, m) in late {
            let time = m.time.timeIntervalSince1970
            let bucket = ((time - 0.001) / rollupSeconds).rounded(.down) * rollupSeconds
            let inBits = m.inBitsPerSecond.map { Int64($0.rounded()) }
            let outBits = m.outBitsPerSecond.map { Int64($0.rounded()) }
            try statement.execute(arguments: [series, bucket, inBits, outBits, inBits == nil && outBits == nil ? 0 : 1])
        }
    }

    /// Deletes the rates stamped at or before `through` of every interface not in `keep`: interfaces the policy keeps
    /// at five-minute roll-ups only, once their spans are rolled up. Returns the rows deleted.
    public func pruneRates(except keep: Set<LinkEnd>, through date: Date) throws(StoreError) -> Int {
        do {
            return try database.pool.write { db in
                let statement = try db.makeStatement(sql: "DELETE FROM interface_rates WHERE series = ? AND time <= ?")
                var removed = 0
                for row in try Row.fetchAll(db, sql: "SELECT id, device, interface FROM interface_series") {
                    guard !keep.contains(LinkEnd(device: row[1], interface: row[2])) else { continue }
                    try statement.execute(arguments: [row[0] as Int64, date.timeIntervalSince1970])
                    removed += db.changesCount
                }
                return removed
            }
        } catch {
            throw StoreError(.writeFailed, "deleting rates kept at five-minute resolution failed: \(StoreDatabase.describe(error))")
        }
    }

    /// One interface's five-minute roll-ups in `[from, to)`, oldest first.
    public func rollups(device: String, interface: String, from: Date, to: Date) throws(StoreError) -> [InterfaceRollup] {
        try database.read { db in
            // A cursor, columns by position (see `rates`): a month of roll-ups is 8,640 rows an interface.
            func value(_ row: Row, _ index: Int) -> Double? { row.hasNull(atIndex: index) ? nil : Double(row[index] as Int64) }
            return try Array(
                Row.fetchCursor(
                    db,
                    sql: """
                        SELECT r.bucket, r.in_mean, r.in_max, r.out_mean, r.out_max, r.intervals, r.measured
                        FROM interface_series s JOIN interface_rollups_5m r ON r.series = s.id AND r.bucket >= ? AND r.bucket < ?
                        WHERE s.device = ? AND s.interface = ? ORDER BY r.bucket
                        """, arguments: [from.timeIntervalSince1970, to.timeIntervalSince1970, device, interface]
                ).map { row in
                    InterfaceRollup(
                        device: device, interface: interface, bucketStart: Date(timeIntervalSince1970: row[0]),
                        inMean: value(row, 1), inMax: value(row, 2), outMean: value(row, 3), outMax: value(row, 4),
                        intervals: row[5], measured: row[6])
                })
        }
    }

    /// Deletes roll-ups that started before `date` (kept 400 days by the daemon); returns how many.
    @discardableResult
    public func pruneRollups(olderThan date: Date) throws(StoreError) -> Int {
        try deleteBySeries(from: "interface_rollups_5m", where: "bucket", before: date)
    }
}
