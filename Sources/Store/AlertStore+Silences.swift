import Foundation
internal import GRDB
import Model

extension AlertStore {
    /// Stores a new silence or maintenance window; returns its id.
    public func add(_ silence: Silence) throws(StoreError) -> Int64 {
        do {
            return try database.pool.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO silences (kind, matchers, starts_at, ends_at, author, reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        silence.kind.rawValue, Self.json(silence.matchers), silence.startsAt.timeIntervalSince1970,
                        silence.endsAt.timeIntervalSince1970, silence.author, silence.reason, silence.createdAt.timeIntervalSince1970,
                    ])
                return db.lastInsertedRowID
            }
        } catch {
            throw StoreError(.writeFailed, "cannot store the silence: \(StoreDatabase.describe(error))")
        }
    }

    /// Silences that have not ended by `now` (in force or still to come); with `all`, every one ever made.
    public func silences(at now: Date, all: Bool = false) throws(StoreError) -> [Silence] {
        try database.read { db in
            let time = now.timeIntervalSince1970
            let filter = all ? "" : "WHERE ends_at > ? AND (expired_at IS NULL OR expired_at > ?)"
            return try Row.fetchAll(db, sql: "SELECT * FROM silences \(filter) ORDER BY starts_at, id", arguments: all ? [] : [time, time]).map {
                row in
                Silence(
                    id: row["id"], kind: Silence.Kind(rawValue: row["kind"]) ?? .silence, matchers: Self.decodeJSON(row["matchers"]) ?? [:],
                    startsAt: Date(timeIntervalSince1970: row["starts_at"]), endsAt: Date(timeIntervalSince1970: row["ends_at"]),
                    author: row["author"], reason: row["reason"], createdAt: Date(timeIntervalSince1970: row["created_at"]),
                    expiredAt: Self.date(row, "expired_at"))
            }
        }
    }

    /// Ends a silence now; false when there is no such silence or it had already ended.
    public func expireSilence(_ id: Int64, at now: Date) throws(StoreError) -> Bool {
        do {
            return try database.pool.write { db in
                try db.execute(
                    sql: "UPDATE silences SET expired_at = ? WHERE id = ? AND expired_at IS NULL AND ends_at > ?",
                    arguments: [now.timeIntervalSince1970, id, now.timeIntervalSince1970])
                return db.changesCount == 1
            }
        } catch {
            throw StoreError(.writeFailed, "cannot end silence \(id): \(StoreDatabase.describe(error))")
        }
    }
}
