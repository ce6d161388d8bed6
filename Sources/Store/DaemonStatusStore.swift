import Foundation
internal import GRDB
import Model

/// The daemon's report about itself, one row, rewritten every interval.
public final class DaemonStatusStore: Sendable {
    private let database: StoreDatabase

    public init(database: StoreDatabase) {
        self.database = database
    }

    public func write(_ status: DaemonStatus) throws(StoreError) {
        do {
            let data = try JSONEncoder().encode(status)
            try database.pool.write { db in
                try db.execute(
                    sql: "INSERT INTO daemon_status (id, status) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET status = excluded.status",
                    arguments: [data])
            }
        } catch {
            throw StoreError(.writeFailed, "cannot write the daemon status: \(StoreDatabase.describe(error))")
        }
    }

    /// The last report, or nil when the daemon never ran against this database.
    public func read() throws(StoreError) -> DaemonStatus? {
        let data: Data? = try database.read { db in try Data.fetchOne(db, sql: "SELECT status FROM daemon_status WHERE id = 1") }
        guard let data else { return nil }
        do { return try JSONDecoder().decode(DaemonStatus.self, from: data) } catch {
            throw StoreError(.corrupt, "the stored daemon status cannot be read (\(error)); it is rewritten within one interval")
        }
    }
}
