import Foundation
internal import GRDB
import Model

/// Provisioning's record: each plan as it was made (so that `apply PLAN-ID` applies what was shown), and the audit log
/// of every write, append-only.
public final class ProvisioningStore: Sendable {
    public let database: StoreDatabase

    public init(database: StoreDatabase) {
        self.database = database
    }

    /// Stores a plan under a new id, `KIND-YYYYMMDD-HHMM-N` in the city's time, and returns the id.
    public func save(kind: String, changes: [ProvisioningChange], at time: Date) throws(StoreError) -> String {
        try database.write("storing a \(kind) plan of \(changes.count) changes") { db in
            let stem = "\(kind)-\(CityTime.stamp(time))"
            let taken = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM provisioning_plans WHERE id LIKE ?", arguments: [stem + "-%"]) ?? 0
            let id = "\(stem)-\(taken + 1)"
            try db.execute(
                sql: "INSERT INTO provisioning_plans (id, kind, created_at, changes) VALUES (?, ?, ?, ?)",
                arguments: [id, kind, time.timeIntervalSince1970, try JSONEncoder().encode(changes)])
            return id
        }
    }

    /// A stored plan's changes; nil when there is no such plan.
    public func plan(_ id: String) throws(StoreError) -> [ProvisioningChange]? {
        try database.read { db in
            guard let data = try Data.fetchOne(db, sql: "SELECT changes FROM provisioning_plans WHERE id = ?", arguments: [id]) else { return nil }
            return try JSONDecoder().decode([ProvisioningChange].self, from: data)
        }
    }

    /// Appends to the audit log, in one transaction.
    public func record(_ entries: [ProvisioningAuditEntry]) throws(StoreError) {
        guard !entries.isEmpty else { return }
        try database.write("recording \(entries.count) provisioning writes") { db in
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO provisioning_audit (plan, at, by, why, device, interface, object, before, after, result)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            for e in entries {
                try statement.execute(
                    arguments: [e.plan, e.at.timeIntervalSince1970, e.by, e.why, e.device, e.interface, e.object, e.before, e.after, e.result])
            }
        }
    }

    /// The audit log, oldest first; of one plan when given.
    public func audit(plan: String? = nil) throws(StoreError) -> [ProvisioningAuditEntry] {
        try database.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT * FROM provisioning_audit" + (plan == nil ? "" : " WHERE plan = ?") + " ORDER BY id",
                arguments: plan.map { [$0] } ?? [])
            return rows.map { row in
                var entry = ProvisioningAuditEntry(
                    plan: row["plan"], at: Date(timeIntervalSince1970: row["at"]), by: row["by"], why: row["why"],
                    change: ProvisioningChange(
                        device: row["device"], interface: row["interface"], object: row["object"], current: row["before"], new: row["after"]),
                    result: row["result"])
                entry.id = row["id"]
                return entry
            }
        }
    }
}
