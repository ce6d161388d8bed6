import Foundation

/// What one webhook message says, independent of the receiver's format: the alerts of one group that changed
/// (and, for a repeat, those still firing). Stored in the outbox as it is, so that every retry renders the same
/// body with the same idempotency key.
public struct NotificationContent: Sendable, Hashable, Codable {
    /// Why the message exists.
    public enum Kind: String, Sendable, Hashable, Codable {
        case change
        case repeat_ = "repeat"
        case test, local
    }

    /// An alert as it was when the message was made.
    public struct AlertSnapshot: Sendable, Hashable, Codable {
        public var id: Int64
        public var fingerprint: String
        public var rule: String
        public var state: AlertState
        public var severity: AlertSeverity
        public var labels: [String: String]
        public var summary: BilingualText
        public var startsAt: Date
        public var endsAt: Date?
        public var flapping: Bool
        public var acknowledgedBy: String?

        public init(_ alert: Alert) {
            id = alert.id
            fingerprint = alert.fingerprint
            rule = alert.rule
            state = alert.state
            severity = alert.severity
            labels = alert.labels
            summary = alert.summary
            startsAt = alert.startsAt
            endsAt = alert.state == .resolved ? alert.endsAt : nil
            flapping = alert.flapping
            acknowledgedBy = alert.acknowledgedBy
        }
    }

    public var kind: Kind
    public var receiver: String
    public var groupKey: String
    public var groupLabels: [String: String]
    public var alerts: [AlertSnapshot]
    /// Alerts of the group left out to keep the message readable (Alertmanager's `truncatedAlerts`).
    public var truncated: Int
    public var createdAt: Date

    public init(
        kind: Kind, receiver: String, groupKey: String, groupLabels: [String: String], alerts: [AlertSnapshot], truncated: Int,
        createdAt: Date
    ) {
        self.kind = kind
        self.receiver = receiver
        self.groupKey = groupKey
        self.groupLabels = groupLabels
        self.alerts = alerts
        self.truncated = truncated
        self.createdAt = createdAt
    }

    /// `firing` while any alert in the message fires, as Alertmanager says it.
    public var status: AlertState { alerts.contains { $0.state == .firing } ? .firing : .resolved }
}

/// A message in the outbox and how its delivery goes.
public struct OutboxMessage: Sendable, Hashable, Codable, Identifiable {
    public enum State: String, Sendable, Hashable, Codable, CaseIterable { case pending, delivered, dead }

    public var id: Int64
    /// The idempotency key (`webhook-id`), the same on every attempt.
    public var webhookID: String
    public var receiver: String
    public var content: NotificationContent
    public var createdAt: Date
    public var state: State
    public var attempts: Int
    public var nextAttemptAt: Date
    public var lastAttemptAt: Date?
    /// The receiver's last answer: an HTTP status, and what went wrong if it was not a success.
    public var lastStatus: Int?
    public var lastError: String?
    public var deliveredAt: Date?

    public init(
        id: Int64, webhookID: String, receiver: String, content: NotificationContent, createdAt: Date, state: State, attempts: Int,
        nextAttemptAt: Date, lastAttemptAt: Date?, lastStatus: Int?, lastError: String?, deliveredAt: Date?
    ) {
        self.id = id
        self.webhookID = webhookID
        self.receiver = receiver
        self.content = content
        self.createdAt = createdAt
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastAttemptAt = lastAttemptAt
        self.lastStatus = lastStatus
        self.lastError = lastError
        self.deliveredAt = deliveredAt
    }
}
