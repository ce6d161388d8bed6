import Foundation
import GRDB
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
                let start = try Double.fetchOne(db, sql: "SELECT MAX(bucket) FROM interface_rollups_5m").map { $0 + Self.rollupSeconds } ?? 0
                guard end > start else { return 0 }
                // Rates stamped at the end of their interval: a rate at 10:05:00 belongs to 10:00–10:05.
                try db.execute(sql: """
                    INSERT OR REPLACE INTO interface_rollups_5m (device, interface, bucket, in_mean, in_max, out_mean, out_max, intervals, measured)
                    SELECT device, interface, (CAST((time - 0.001) / ? AS INTEGER)) * ? AS bucket,
                           AVG(in_bps), MAX(in_bps), AVG(out_bps), MAX(out_bps), COUNT(*), COUNT(COALESCE(in_bps, out_bps))
                    FROM interface_rates WHERE time > ? AND time <= ?
                    GROUP BY device, interface, bucket
                    """, arguments: [Self.rollupSeconds, Self.rollupSeconds, start, end])
                return db.changesCount
            }
        } catch {
            throw StoreError(.writeFailed, "rolling up rates failed and was rolled back: \(StoreDatabase.describe(error))")
        }
    }

    /// One interface's five-minute roll-ups in `[from, to)`, oldest first.
    public func rollups(device: String, interface: String, from: Date, to: Date) throws(StoreError) -> [InterfaceRollup] {
        try database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM interface_rollups_5m WHERE device = ? AND interface = ? AND bucket >= ? AND bucket < ? ORDER BY bucket
                """, arguments: [device, interface, from.timeIntervalSince1970, to.timeIntervalSince1970]).map { row in
                InterfaceRollup(device: row["device"], interface: row["interface"], bucketStart: Date(timeIntervalSince1970: row["bucket"]),
                                inMean: row["in_mean"], inMax: row["in_max"], outMean: row["out_mean"], outMax: row["out_max"],
                                intervals: row["intervals"], measured: row["measured"])
            }
        }
    }

    /// Deletes roll-ups that started before `date` (kept 400 days by the daemon); returns how many.
    @discardableResult
    public func pruneRollups(olderThan date: Date) throws(StoreError) -> Int {
        try deleteRows(of: "interface_rollups_5m", where: "bucket", before: date)
    }
}
