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
        try storedPlan(id)?.changes
    }

    /// A stored plan; nil when there is no such plan.
    public func storedPlan(_ id: String) throws(StoreError) -> ProvisioningPlan? {
        try database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM provisioning_plans WHERE id = ?", arguments: [id]).map(Self.plan)
        }
    }

    /// Every stored plan, by id.
    public func plans() throws(StoreError) -> [ProvisioningPlan] {
        try database.read { db in try Row.fetchAll(db, sql: "SELECT * FROM provisioning_plans ORDER BY id").map(Self.plan) }
    }

    private static func plan(_ row: Row) throws -> ProvisioningPlan {
        ProvisioningPlan(
            id: row["id"], kind: row["kind"], createdAt: Date(timeIntervalSince1970: row["created_at"]),
            changes: try JSONDecoder().decode([ProvisioningChange].self, from: row["changes"] as Data))
    }

    /// Appends to the audit log, in one transaction; the entries with their ids.
    @discardableResult
    public func record(_ entries: [ProvisioningAuditEntry]) throws(StoreError) -> [ProvisioningAuditEntry] {
        guard !entries.isEmpty else { return [] }
        return try database.write("recording \(entries.count) provisioning writes") { db in
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO provisioning_audit (plan, at, by, why, device, interface, object, syntax, before, after, result)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            return try entries.map { e in
                try statement.execute(
                    arguments: [
                        e.plan, e.at.timeIntervalSince1970, e.by, e.why, e.device, e.interface, e.object, e.syntax.rawValue, e.before, e.after,
                        e.result,
                    ])
                var stored = e
                stored.id = db.lastInsertedRowID
                return stored
            }
        }
    }

    /// The audit log, oldest first; of one plan when given.
    public func audit(plan: String? = nil) throws(StoreError) -> [ProvisioningAuditEntry] {
        try database.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM provisioning_audit" + (plan == nil ? "" : " WHERE plan = ?") + " ORDER BY id",
                arguments: plan.map { [$0] } ?? []
            ).map(Self.entry)
        }
    }

    /// One line of the audit log, by its id; nil when there is none.
    public func auditEntry(_ id: Int64) throws(StoreError) -> ProvisioningAuditEntry? {
        try database.read { db in try Row.fetchOne(db, sql: "SELECT * FROM provisioning_audit WHERE id = ?", arguments: [id]).map(Self.entry) }
    }

    private static func entry(_ row: Row) -> ProvisioningAuditEntry {
        var entry = ProvisioningAuditEntry(
            plan: row["plan"], at: Date(timeIntervalSince1970: row["at"]), by: row["by"], why: row["why"],
            change: ProvisioningChange(
                device: row["device"], interface: row["interface"], object: row["object"], current: row["before"], new: row["after"],
                syntax: ProvisioningSyntax(rawValue: row["syntax"]) ?? .text),
            result: row["result"])
        entry.id = row["id"]
        return entry
    }

    /// Sets the time by which the daemon acts on `deadline.plan` (replacing a settled one: a plan applied again after an
    /// undo is on probation again).
    public func setDeadline(_ deadline: ProvisioningDeadline) throws(StoreError) {
        try database.write("setting the \(deadline.kind.rawValue) deadline of plan \(deadline.plan)") { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO provisioning_deadlines (plan, kind, due_at, settled_at, settled) VALUES (?, ?, ?, NULL, NULL)",
                arguments: [deadline.plan, deadline.kind.rawValue, deadline.due.timeIntervalSince1970])
        }
    }

    /// The plan's deadline, settled or not; nil when it has none.
    public func deadline(plan: String) throws(StoreError) -> ProvisioningDeadline? {
        try database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM provisioning_deadlines WHERE plan = ?", arguments: [plan]).map(Self.deadline)
        }
    }

    /// Every plan's deadline, settled or not, by plan.
    public func deadlines() throws(StoreError) -> [String: ProvisioningDeadline] {
        try database.read { db in
            Dictionary(
                try Row.fetchAll(db, sql: "SELECT * FROM provisioning_deadlines").map(Self.deadline).map { ($0.plan, $0) },
                uniquingKeysWith: { a, _ in a })
        }
    }

    /// The deadlines not settled yet, soonest first; only those due by `dueBy` when given.
    public func pendingDeadlines(dueBy: Date? = nil) throws(StoreError) -> [ProvisioningDeadline] {
        try database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM provisioning_deadlines WHERE settled_at IS NULL AND due_at <= ? ORDER BY due_at, plan",
                arguments: [dueBy?.timeIntervalSince1970 ?? .greatestFiniteMagnitude]
            ).map(Self.deadline)
        }
    }

    /// Settles the plan's pending deadline (`how`: confirmed, set back, released, undone); false when it had none pending.
    @discardableResult
    public func settleDeadline(plan: String, how: String, at time: Date) throws(StoreError) -> Bool {
        try database.write("settling the deadline of plan \(plan)") { db in
            try db.execute(
                sql: "UPDATE provisioning_deadlines SET settled_at = ?, settled = ? WHERE plan = ? AND settled_at IS NULL",
                arguments: [time.timeIntervalSince1970, how, plan])
            return db.changesCount > 0
        }
    }

    /// Confirms a plan applied on probation: edunetd will not set it back.
    public func confirm(plan id: String, by: String, at time: Date) throws(StoreError) {
        guard let deadline = try deadline(plan: id), deadline.kind == .probation else {
            throw StoreError(.notFound, "plan `\(id)` was not applied on probation (--confirm-within); there is nothing to confirm")
        }
        guard deadline.settledAt == nil, try settleDeadline(plan: id, how: "confirmed by \(by)", at: time) else {
            throw StoreError(.conflict, "plan `\(id)` is no longer on probation: \(deadline.settled ?? "settled")")
        }
    }

    private static func deadline(_ row: Row) -> ProvisioningDeadline {
        ProvisioningDeadline(
            plan: row["plan"], kind: ProvisioningDeadline.Kind(rawValue: row["kind"]) ?? .probation, due: Date(timeIntervalSince1970: row["due_at"]),
            settledAt: (row["settled_at"] as Double?).map(Date.init(timeIntervalSince1970:)), settled: row["settled"])
    }
}
