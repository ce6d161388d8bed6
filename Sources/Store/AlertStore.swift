import Foundation
internal import GRDB
import Model

/// Alerts, their history, the notifications they owe, the outbox of webhook messages and silences. Every change
/// the alert engine makes in one step is written in one transaction (`apply`), so an alert's new state and the
/// notification it owes are stored together or not at all.
public final class AlertStore: Sendable {
    let database: StoreDatabase

    public init(database: StoreDatabase) {
        self.database = database
    }

    /// What a notification says and to whom: the receiver and group it routes to, the alert's state and severity.
    public struct Notice: Sendable, Hashable {
        public var receiver: String
        public var groupKey: String
        public var groupLabels: [String: String]
        public var state: AlertState
        public var severity: AlertSeverity
        public var createdAt: Date

        public init(receiver: String, groupKey: String, groupLabels: [String: String], state: AlertState, severity: AlertSeverity, createdAt: Date) {
            self.receiver = receiver
            self.groupKey = groupKey
            self.groupLabels = groupLabels
            self.state = state
            self.severity = severity
            self.createdAt = createdAt
        }
    }

    /// A change a receiver must hear about, not yet in a message.
    @dynamicMemberLookup
    public struct PendingNotification: Sendable, Hashable {
        public var id: Int64
        public var alertID: Int64
        public var notice: Notice

        public subscript<T>(dynamicMember field: KeyPath<Notice, T>) -> T { notice[keyPath: field] }
    }

    /// A notification to write with the change that owes it; the alert is named by fingerprint, since a new alert has
    /// no id until the same transaction inserts it.
    @dynamicMemberLookup
    public struct NotificationDraft: Sendable, Hashable {
        public var fingerprint: String
        public var notice: Notice

        public init(fingerprint: String, notice: Notice) {
            self.fingerprint = fingerprint
            self.notice = notice
        }

        public subscript<T>(dynamicMember field: KeyPath<Notice, T>) -> T { notice[keyPath: field] }
    }

    /// A message made from a group's notifications.
    public struct MessageDraft: Sendable, Hashable {
        public var webhookID: String
        public var content: NotificationContent
        /// The notifications it carries.
        public var notifications: [Int64]

        public init(webhookID: String, content: NotificationContent, notifications: [Int64]) {
            self.webhookID = webhookID
            self.content = content
            self.notifications = notifications
        }
    }

    /// Everything one step of the alert engine changes.
    public struct Batch: Sendable {
        /// New alerts (id 0) and changed ones.
        public var alerts: [Alert] = []
        public var transitions: [(fingerprint: String, transition: AlertTransition)] = []
        public var notifications: [NotificationDraft] = []
        /// Notifications no longer owed (the alert is now silenced or its parent fires).
        public var dropped: [Int64] = []
        public var messages: [MessageDraft] = []

        public init() {}

        public var isEmpty: Bool { alerts.isEmpty && transitions.isEmpty && notifications.isEmpty && dropped.isEmpty && messages.isEmpty }
    }

    /// Writes a batch in one transaction; returns the ids given to new alerts, by fingerprint.
    @discardableResult
    public func apply(_ batch: Batch) throws(StoreError) -> [String: Int64] {
        guard !batch.isEmpty else { return [:] }
        do {
            return try database.pool.write { db in
                var ids: [String: Int64] = [:]
                let insert = try db.makeStatement(
                    sql: """
                        INSERT INTO alerts (fingerprint, rule, subject, state, severity, labels, summary_zh, summary_en, parents, starts_at,
                            ends_at, last_seen_at, expires_at, flapping, notified_state, notified_severity, acknowledged_by, acknowledged_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """)
                let update = try db.makeStatement(
                    sql: """
                        UPDATE alerts SET fingerprint = ?, rule = ?, subject = ?, state = ?, severity = ?, labels = ?, summary_zh = ?,
                            summary_en = ?, parents = ?, starts_at = ?, ends_at = ?, last_seen_at = ?, expires_at = ?, flapping = ?,
                            notified_state = ?, notified_severity = ?,
                            acknowledged_by = CASE WHEN starts_at < ? THEN NULL ELSE acknowledged_by END,
                            acknowledged_at = CASE WHEN starts_at < ? THEN NULL ELSE acknowledged_at END WHERE id = ?
                        """)
                for alert in batch.alerts {
                    let starts = alert.startsAt.timeIntervalSince1970
                    let arguments: StatementArguments = [
                        alert.fingerprint, alert.rule, alert.subject, alert.state.rawValue, alert.severity.rawValue, Self.json(alert.labels),
                        alert.summary.zh, alert.summary.en, Self.json(alert.parents), starts,
                        alert.endsAt?.timeIntervalSince1970, alert.lastSeenAt.timeIntervalSince1970, alert.expiresAt?.timeIntervalSince1970,
                        alert.flapping, alert.notifiedState?.rawValue, alert.notifiedSeverity?.rawValue,
                    ]
                    if alert.id == 0 {
                        try insert.execute(arguments: arguments + [alert.acknowledgedBy, alert.acknowledgedAt?.timeIntervalSince1970])
                        ids[alert.fingerprint] = db.lastInsertedRowID
                    } else {
                        // Acknowledgements come from the CLI, in another process: an update keeps one made meanwhile, and
                        // clears it only when the alert fires again (a new episode, a later start).
                        try update.execute(arguments: arguments + [starts, starts, alert.id])
                    }
                }
                func id(of fingerprint: String) throws -> Int64 {
                    if let id = ids[fingerprint] { return id }
                    guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM alerts WHERE fingerprint = ?", arguments: [fingerprint]) else {
                        throw StoreError(.notFound, "no alert with fingerprint \(fingerprint)")
                    }
                    ids[fingerprint] = id
                    return id
                }
                let transition = try db.makeStatement(
                    sql: "INSERT INTO alert_transitions (alert_id, at, state, severity, note) VALUES (?, ?, ?, ?, ?)")
                for (fingerprint, t) in batch.transitions {
                    try transition.execute(arguments: [
                        try id(of: fingerprint), t.at.timeIntervalSince1970, t.state.rawValue, t.severity.rawValue, t.note,
                    ])
                }
                let notification = try db.makeStatement(
                    sql: """
                        INSERT INTO alert_notifications (alert_id, receiver, group_key, group_labels, state, severity, created_at, status)
                        VALUES (?, ?, ?, ?, ?, ?, ?, 'pending')
                        """)
                for n in batch.notifications {
                    try notification.execute(arguments: [
                        try id(of: n.fingerprint), n.receiver, n.groupKey, Self.json(n.groupLabels), n.state.rawValue,
                        n.severity.rawValue, n.createdAt.timeIntervalSince1970,
                    ])
                }
                for dropped in batch.dropped {
                    try db.execute(sql: "UPDATE alert_notifications SET status = 'dropped' WHERE id = ?", arguments: [dropped])
                }
                let message = try db.makeStatement(
                    sql: """
                        INSERT INTO outbox (webhook_id, receiver, content, created_at, state, attempts, next_attempt_at) VALUES (?, ?, ?, ?, 'pending', 0, ?)
                        """)
                let grouped = try db.makeStatement(sql: "UPDATE alert_notifications SET status = 'grouped', message_id = ? WHERE id = ?")
                let group = try db.makeStatement(
                    sql: """
                        INSERT INTO alert_groups (receiver, group_key, labels, last_message_at) VALUES (?, ?, ?, ?)
                        ON CONFLICT(receiver, group_key) DO UPDATE SET last_message_at = excluded.last_message_at
                        """)
                for draft in batch.messages {
                    let created = draft.content.createdAt.timeIntervalSince1970
                    try message.execute(arguments: [
                        draft.webhookID, draft.content.receiver, try Self.encoder.encode(draft.content), created, created,
                    ])
                    let messageID = db.lastInsertedRowID
                    for n in draft.notifications { try grouped.execute(arguments: [messageID, n]) }
                    if draft.content.kind != .test {
                        try group.execute(arguments: [draft.content.receiver, draft.content.groupKey, Self.json(draft.content.groupLabels), created])
                    }
                }
                return ids
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.writeFailed, "cannot store alert changes: \(StoreDatabase.describe(error)); nothing of this step was stored")
        }
    }

    /// Every stored alert, for the engine to start from.
    public func alerts() throws(StoreError) -> [Alert] {
        try database.read { db in try Row.fetchAll(db, sql: "SELECT * FROM alerts ORDER BY id").map(Self.alert) }
    }

    /// Alerts for the CLI: by state (nil for all) and county, newest first.
    public func alerts(state: AlertState?, county: String?, rule: String? = nil, limit: Int) throws(StoreError) -> [Alert] {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let state {
            conditions.append("state = ?")
            arguments += [state.rawValue]
        }
        if let rule {
            conditions.append("rule = ?")
            arguments += [rule]
        }
        if let county {
            conditions.append("json_extract(labels, '$.county') = ?")
            arguments += [county]
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM alerts \(filter) ORDER BY starts_at DESC, id DESC LIMIT ?", arguments: arguments + [limit]).map(
                Self.alert)
        }
    }

    /// The alerts firing in `counties` (nil: everywhere, those of no county too), the most severe first and, within a
    /// severity, the longest firing first, at most `limit`; with how many fire in all. What a dashboard shows, without
    /// decoding every alert of a city where thousands fire.
    public func firing(counties: [String]?, limit: Int) throws(StoreError) -> (count: Int, shown: [Alert]) {
        var filter = "state = 'firing'"
        var arguments: StatementArguments = []
        if let counties {
            filter += " AND json_extract(labels, '$.county') IN (\(counties.map { _ in "?" }.joined(separator: ", ")))"
            arguments += StatementArguments(counties)
        }
        let rank = "CASE severity " + AlertSeverity.allCases.enumerated().map { "WHEN '\($1.rawValue)' THEN \($0)" }.joined(separator: " ") + " END"
        return try database.read { db in
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM alerts WHERE \(filter)", arguments: arguments) ?? 0
            let shown = try Row.fetchAll(
                db, sql: "SELECT * FROM alerts WHERE \(filter) ORDER BY \(rank) DESC, starts_at, id LIMIT ?", arguments: arguments + [limit]
            ).map(Self.alert)
            return (count, shown)
        }
    }

    /// One alert by id or by (a unique prefix of) its fingerprint.
    public func alert(_ reference: String) throws(StoreError) -> Alert {
        let found = try database.read { db in
            if let id = Int64(reference) { return try Row.fetchAll(db, sql: "SELECT * FROM alerts WHERE id = ?", arguments: [id]) }
            return try Row.fetchAll(db, sql: "SELECT * FROM alerts WHERE fingerprint LIKE ? LIMIT 2", arguments: [reference.lowercased() + "%"])
        }.map(Self.alert)
        guard found.count == 1 else {
            throw StoreError(
                .notFound,
                found.isEmpty
                    ? "no alert \(reference); `edunet alerts list --state all` lists them"
                    : "\(reference) is the start of more than one fingerprint; give more of it or the alert's number")
        }
        return found[0]
    }

    /// An alert's state changes, oldest first.
    public func history(of alertID: Int64) throws(StoreError) -> [AlertTransition] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM alert_transitions WHERE alert_id = ? ORDER BY at, rowid", arguments: [alertID]).map(
                Self.transition)
        }
    }

    /// State changes since `since`, for flap detection after a restart.
    public func transitions(since: Date) throws(StoreError) -> [AlertTransition] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM alert_transitions WHERE at >= ? ORDER BY at, rowid", arguments: [since.timeIntervalSince1970])
                .map(Self.transition)
        }
    }

    /// Marks an alert acknowledged; it stays firing, but its group is no longer repeated for it.
    public func acknowledge(_ alertID: Int64, by name: String, at now: Date) throws(StoreError) {
        do {
            try database.pool.write { db in
                try db.execute(
                    sql: "UPDATE alerts SET acknowledged_by = ?, acknowledged_at = ? WHERE id = ?",
                    arguments: [name, now.timeIntervalSince1970, alertID])
            }
        } catch {
            throw StoreError(.writeFailed, "cannot acknowledge alert \(alertID): \(StoreDatabase.describe(error))")
        }
    }

    /// Acknowledgements made after `since` (by the CLI, in another process), by alert id.
    public func acknowledgements(after since: Date) throws(StoreError) -> [Int64: (by: String, at: Date)] {
        try database.read { db in
            var result: [Int64: (by: String, at: Date)] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT id, acknowledged_by, acknowledged_at FROM alerts WHERE acknowledged_at > ?",
                arguments: [since.timeIntervalSince1970])
            {
                result[row[0]] = (row[1], Date(timeIntervalSince1970: row[2]))
            }
            return result
        }
    }

    /// Firing alerts by severity, for status lines and metrics.
    public func firingCounts() throws(StoreError) -> [AlertSeverity: Int] {
        try database.read { db in
            var counts: [AlertSeverity: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT severity, COUNT(*) FROM alerts WHERE state = 'firing' GROUP BY severity") {
                if let severity = AlertSeverity(rawValue: row[0]) { counts[severity] = row[1] }
            }
            return counts
        }
    }

    /// Notifications not yet in a message, oldest first.
    public func pendingNotifications() throws(StoreError) -> [PendingNotification] {
        try database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, alert_id, receiver, group_key, group_labels, state, severity, created_at FROM alert_notifications
                    WHERE status = 'pending' ORDER BY id
                    """
            ).map { row in
                PendingNotification(
                    id: row[0], alertID: row[1],
                    notice: Notice(
                        receiver: row[2], groupKey: row[3], groupLabels: Self.decodeJSON(row[4]) ?? [:],
                        state: AlertState(rawValue: row[5]) ?? .firing,
                        severity: AlertSeverity(rawValue: row[6]) ?? .warning, createdAt: Date(timeIntervalSince1970: row[7])))
            }
        }
    }

    /// When each group last had a message, by receiver and group key.
    public func groupMessageTimes() throws(StoreError) -> [String: [String: Date]] {
        try database.read { db in
            var result: [String: [String: Date]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT receiver, group_key, last_message_at FROM alert_groups") {
                result[row[0], default: [:]][row[1]] = Date(timeIntervalSince1970: row[2])
            }
            return result
        }
    }

    /// Deletes resolved alerts (and their history) that ended before `cutoff`, and delivered messages older than it.
    public func prune(olderThan cutoff: Date) throws(StoreError) -> Int {
        do {
            return try database.pool.write { db in
                let time = cutoff.timeIntervalSince1970
                try db.execute(sql: "DELETE FROM alert_transitions WHERE at < ?", arguments: [time])
                try db.execute(sql: "DELETE FROM alert_notifications WHERE status != 'pending' AND created_at < ?", arguments: [time])
                try db.execute(
                    sql: "DELETE FROM alerts WHERE state = 'resolved' AND ends_at < ? AND (notified_state IS NULL OR notified_state = 'resolved')",
                    arguments: [time])
                let alerts = db.changesCount
                try db.execute(sql: "DELETE FROM outbox WHERE state = 'delivered' AND delivered_at < ?", arguments: [time])
                return alerts
            }
        } catch {
            throw StoreError(.writeFailed, "cannot prune old alerts: \(StoreDatabase.describe(error))")
        }
    }

    // MARK: - Rows

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .secondsSince1970
        return encoder
    }()

    static func json<T: Encodable>(_ value: T) -> String {
        String(decoding: (try? encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self)
    }

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }()

    static func decodeJSON<T: Decodable>(_ text: String) -> T? { try? decoder.decode(T.self, from: Data(text.utf8)) }

    /// A column of seconds since 1970 as a date; nil when NULL.
    static func date(_ row: Row, _ column: String) -> Date? { (row[column] as Double?).map(Date.init(timeIntervalSince1970:)) }

    static func alert(_ row: Row) -> Alert {
        let signal = AlertSignal(
            rule: row["rule"], subject: row["subject"], severity: AlertSeverity(rawValue: row["severity"]) ?? .warning,
            labels: decodeJSON(row["labels"]) ?? [:], summary: BilingualText(zh: row["summary_zh"], en: row["summary_en"]),
            parents: decodeJSON(row["parents"]) ?? [])
        var alert = Alert(id: row["id"], signal: signal, at: date(row, "starts_at") ?? .distantPast, expiresAt: date(row, "expires_at"))
        alert.fingerprint = row["fingerprint"]
        alert.state = AlertState(rawValue: row["state"]) ?? .firing
        alert.endsAt = date(row, "ends_at")
        alert.lastSeenAt = date(row, "last_seen_at") ?? alert.startsAt
        alert.flapping = row["flapping"]
        alert.notifiedState = (row["notified_state"] as String?).flatMap(AlertState.init(rawValue:))
        alert.notifiedSeverity = (row["notified_severity"] as String?).flatMap(AlertSeverity.init(rawValue:))
        alert.acknowledgedBy = row["acknowledged_by"]
        alert.acknowledgedAt = date(row, "acknowledged_at")
        return alert
    }

    private static func transition(_ row: Row) -> AlertTransition {
        AlertTransition(
            alertID: row["alert_id"], at: Date(timeIntervalSince1970: row["at"]), state: AlertState(rawValue: row["state"]) ?? .firing,
            severity: AlertSeverity(rawValue: row["severity"]) ?? .warning, note: row["note"])
    }
}
