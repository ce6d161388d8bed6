import Foundation
internal import GRDB
import Model

extension AlertStore {
    /// The oldest pending message of each receiver that is due by `now`: messages to one receiver go strictly in
    /// order, so a resolution never overtakes the firing it resolves.
    public func dueMessages(at now: Date) throws(StoreError) -> [OutboxMessage] {
        try database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM outbox WHERE id IN (SELECT MIN(id) FROM outbox WHERE state = 'pending' GROUP BY receiver) AND next_attempt_at <= ?
                    ORDER BY id
                    """, arguments: [now.timeIntervalSince1970]
            ).compactMap(Self.message)
        }
    }

    /// The oldest pending message of one receiver, if it is due by `now`.
    public func dueMessage(receiver: String, at now: Date) throws(StoreError) -> OutboxMessage? {
        try database.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT * FROM outbox WHERE state = 'pending' AND receiver = ? ORDER BY id LIMIT 1
                    """, arguments: [receiver]
            ).flatMap(Self.message)
        }.flatMap { $0.nextAttemptAt <= now ? $0 : nil }
    }

    /// Attempts made since `since`, by receiver (each message's latest attempt): after a restart, what counts against
    /// each receiver's rate limit.
    public func attempts(since: Date) throws(StoreError) -> [String: [Date]] {
        try database.read { db in
            var result: [String: [Date]] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT receiver, last_attempt_at FROM outbox WHERE last_attempt_at >= ?",
                arguments: [since.timeIntervalSince1970])
            {
                result[row[0], default: []].append(Date(timeIntervalSince1970: row[1]))
            }
            return result
        }
    }

    /// When the next pending message falls due, if any.
    public func nextAttempt() throws(StoreError) -> Date? {
        try database.read { db in
            try Double.fetchOne(
                db,
                sql: """
                    SELECT MIN(next_attempt_at) FROM outbox WHERE id IN (SELECT MIN(id) FROM outbox WHERE state = 'pending' GROUP BY receiver)
                    """
            ).map(Date.init(timeIntervalSince1970:))
        }
    }

    /// How one attempt went.
    public enum AttemptOutcome: Sendable, Hashable {
        case delivered
        /// Failed; tried again at `retryAt`.
        case retry(at: Date)
        /// Failed and past the maximum age: given up.
        case dead
    }

    /// Records an attempt: its answer, and what happens to the message next.
    public func recordAttempt(_ id: Int64, at now: Date, status: Int?, error: String?, outcome: AttemptOutcome) throws(StoreError) {
        let time = now.timeIntervalSince1970
        let (state, next, delivered): (OutboxMessage.State, Double, Double?) =
            switch outcome {
            case .delivered: (.delivered, time, time)
            case .retry(let at): (.pending, at.timeIntervalSince1970, nil)
            case .dead: (.dead, time, nil)
            }
        do {
            try database.pool.write { db in
                try db.execute(
                    sql: """
                        UPDATE outbox SET attempts = attempts + 1, last_attempt_at = ?, last_status = ?, last_error = ?, state = ?, next_attempt_at = ?,
                            delivered_at = ? WHERE id = ?
                        """, arguments: [time, status, error, state.rawValue, next, delivered, id])
            }
        } catch {
            throw StoreError(.writeFailed, "cannot record the delivery attempt of message \(id): \(StoreDatabase.describe(error))")
        }
    }

    /// Messages for `edunet alerts outbox`: by state, newest first.
    public func outbox(states: [OutboxMessage.State], limit: Int) throws(StoreError) -> [OutboxMessage] {
        let marks = Array(repeating: "?", count: states.count).joined(separator: ",")
        return try database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM outbox WHERE state IN (\(marks)) ORDER BY id DESC LIMIT ?",
                arguments: StatementArguments(states.map(\.rawValue)) + [limit]
            ).compactMap(Self.message)
        }
    }

    /// Messages by state, for status lines and metrics.
    public func outboxCounts() throws(StoreError) -> [OutboxMessage.State: Int] {
        try database.read { db in
            var counts: [OutboxMessage.State: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) FROM outbox GROUP BY state") {
                if let state = OutboxMessage.State(rawValue: row[0]) { counts[state] = row[1] }
            }
            return counts
        }
    }

    static func message(_ row: Row) -> OutboxMessage? {
        guard let content = try? decoder.decode(NotificationContent.self, from: row["content"] as Data) else { return nil }
        return OutboxMessage(
            id: row["id"], webhookID: row["webhook_id"], receiver: row["receiver"], content: content,
            createdAt: date(row, "created_at") ?? .distantPast, state: OutboxMessage.State(rawValue: row["state"]) ?? .pending,
            attempts: row["attempts"], nextAttemptAt: date(row, "next_attempt_at") ?? .distantPast,
            lastAttemptAt: date(row, "last_attempt_at"), lastStatus: row["last_status"], lastError: row["last_error"],
            deliveredAt: date(row, "delivered_at"))
    }
}
