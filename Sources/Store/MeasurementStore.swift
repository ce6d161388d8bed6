import Foundation
import GRDB
import Model

/// Interface rates at poll resolution: written in batches (one transaction a batch), read by device,
/// interface and time, pruned by age.
public final class MeasurementStore: Sendable {
    let database: StoreDatabase

    public init(database: StoreDatabase) {
        self.database = database
    }

    /// Stores a batch in one transaction with one prepared statement: all rows or none.
    public func record(_ measurements: [InterfaceMeasurement]) throws(StoreError) {
        guard !measurements.isEmpty else { return }
        try write("storing \(measurements.count) measurements") { db in try Self.insert(measurements, db) }
    }

    /// Stores all that one poll of one device produced in one transaction: all of it or none of it.
    public func record(_ observations: DeviceObservations) throws(StoreError) {
        try write("storing the poll of \(observations.device)") { db in
            try Self.insert(observations.rates, db)
            let time = observations.time.timeIntervalSince1970
            if !observations.interfaces.isEmpty {
                try db.execute(sql: "DELETE FROM interface_status WHERE device = ?", arguments: [observations.device])
                let statement = try db.makeStatement(sql: "INSERT OR REPLACE INTO interface_status (device, interface, seen_at, status) VALUES (?, ?, ?, ?)")
                let encoder = JSONEncoder()
                for interface in observations.interfaces {
                    try statement.execute(arguments: [observations.device, interface.name, time, try encoder.encode(interface)])
                }
            }
            if let accessPoints = observations.accessPoints, !accessPoints.isEmpty {
                let statement = try db.makeStatement(sql: """
                    INSERT OR REPLACE INTO access_point_samples (controller, ap_index, time, name, up, state, clients, radios, radios_up,
                        uplink_mbps, max_rate_mbps) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                for ap in accessPoints {
                    try statement.execute(arguments: [observations.device, ap.index, time, ap.name, ap.up, ap.state, ap.clients, ap.radios,
                                                      ap.radiosUp, ap.uplinkMbps, ap.maxRateMbps])
                }
            }
            if let host = observations.host {
                let memory = host.total(.memory), disk = host.total(.disk)
                try db.execute(sql: """
                    INSERT OR REPLACE INTO host_samples (device, time, cpu_load, memory_used, memory_size, disk_used, disk_size)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [observations.device, time, host.meanProcessorLoad, memory.map { Int64(clamping: $0.used) },
                                     memory.map { Int64(clamping: $0.size) }, disk.map { Int64(clamping: $0.used) }, disk.map { Int64(clamping: $0.size) }])
            }
        }
    }

    private static func insert(_ measurements: [InterfaceMeasurement], _ db: Database) throws {
        guard !measurements.isEmpty else { return }
        let statement = try db.makeStatement(sql: """
            INSERT INTO interface_rates (device, interface, time, in_bps, out_bps, unknown) VALUES (?, ?, ?, ?, ?, ?)
            """)
        for m in measurements {
            try statement.execute(arguments: [m.device, m.interface, m.time.timeIntervalSince1970, m.inBitsPerSecond, m.outBitsPerSecond, m.unknownReason])
        }
    }

    private func write(_ what: String, _ body: (Database) throws -> Void) throws(StoreError) {
        do {
            try database.pool.write { db in try body(db) }
        } catch {
            throw StoreError(.writeFailed, "\(what) failed and was rolled back: \(StoreDatabase.describe(error))")
        }
    }

    /// One interface's measurements in `[from, to)`, oldest first.
    public func rates(device: String, interface: String, from: Date, to: Date) throws(StoreError) -> [InterfaceMeasurement] {
        try database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT device, interface, time, in_bps, out_bps, unknown FROM interface_rates
                WHERE device = ? AND interface = ? AND time >= ? AND time < ? ORDER BY time
                """, arguments: [device, interface, from.timeIntervalSince1970, to.timeIntervalSince1970]).map(Self.measurement)
        }
    }

    /// The newest measurement of each interface of a device, by interface name.
    public func latest(device: String) throws(StoreError) -> [InterfaceMeasurement] {
        try database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT r.device, r.interface, r.time, r.in_bps, r.out_bps, r.unknown FROM interface_rates r
                JOIN (SELECT interface, MAX(time) AS time FROM interface_rates WHERE device = ? GROUP BY interface) newest
                  ON r.interface = newest.interface AND r.time = newest.time
                WHERE r.device = ? ORDER BY r.interface
                """, arguments: [device, device]).map(Self.measurement)
        }
    }

    /// Deletes rates, AP and server samples older than `date` (the retention window); returns how many rows.
    @discardableResult
    public func prune(olderThan date: Date) throws(StoreError) -> Int {
        var removed = 0
        for table in ["interface_rates", "access_point_samples", "host_samples"] { removed += try deleteRows(of: table, where: "time", before: date) }
        return removed
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
        InterfaceMeasurement(device: row["device"], interface: row["interface"], time: Date(timeIntervalSince1970: row["time"]),
                             inBitsPerSecond: row["in_bps"], outBitsPerSecond: row["out_bps"], unknownReason: row["unknown"])
    }
}
