import Foundation

/// How urgent an alert is; set by the alerting policy per rule.
public enum AlertSeverity: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case info, warning, critical

    private var rank: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (a: AlertSeverity, b: AlertSeverity) -> Bool { a.rank < b.rank }
}

/// Whether the condition behind an alert holds now.
public enum AlertState: String, Sendable, Hashable, Codable, CaseIterable {
    case firing, resolved
}

/// A text in both of the languages EduNet speaks; Chinese is the default for district IT.
public struct BilingualText: Sendable, Hashable, Codable {
    public var zh: String
    public var en: String

    public init(zh: String, en: String) {
        self.zh = zh
        self.en = en
    }

    public func text(english: Bool) -> String { english ? en : zh }
}

/// The identity of an alert across its whole life: its rule and its subject (a device, a link, a finding), hashed
/// so that it can travel in payloads (`fingerprint` in Alertmanager's format) and be typed in the CLI.
public enum AlertFingerprint {
    /// 16 hex digits of FNV-1a over `rule` NUL `subject`: the same on every machine and in every version.
    public static func of(rule: String, subject: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in rule.utf8 + [0] + subject.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// What an alert source says holds now: an alert that should be firing, with everything needed to describe it.
/// Sources report conditions; the alert engine decides what is new, what changed and who hears about it.
public struct AlertSignal: Sendable, Hashable {
    public var rule: String
    /// What the alert is about, unique within the rule: a device id, a link id, `device/ifIndex`, a finding id.
    public var subject: String
    public var severity: AlertSeverity
    /// county, school, device, link and anything else routes and silences may match; `rule` and `severity` are added.
    public var labels: [String: String]
    public var summary: BilingualText
    /// Fingerprints of the alerts whose firing explains this one (the county uplink of a school's switch): while
    /// any of them fires, this alert is suppressed.
    public var parents: [String]

    public init(
        rule: String, subject: String, severity: AlertSeverity, labels: [String: String], summary: BilingualText,
        parents: [String] = []
    ) {
        self.rule = rule
        self.subject = subject
        self.severity = severity
        self.labels = labels.merging(["rule": rule, "severity": severity.rawValue]) { _, own in own }
        self.summary = summary
        self.parents = parents
    }

    public var fingerprint: String { AlertFingerprint.of(rule: rule, subject: subject) }
}

/// An alert as stored: one row per fingerprint, reopened when its condition returns. Its history of state
/// changes is kept alongside (`AlertTransition`).
public struct Alert: Sendable, Hashable, Codable, Identifiable {
    /// The row id; 0 for an alert not yet stored.
    public var id: Int64
    public var fingerprint: String
    public var rule: String
    public var subject: String
    public var state: AlertState
    public var severity: AlertSeverity
    public var labels: [String: String]
    public var summary: BilingualText
    public var parents: [String]
    /// When the current (or last) episode began and, once resolved, ended.
    public var startsAt: Date
    public var endsAt: Date?
    /// When a source last reported the condition.
    public var lastSeenAt: Date
    /// Event alerts (traps) resolve on their own at this time unless reported again.
    public var expiresAt: Date?
    /// Changing state too often: held, notified once, until it settles.
    public var flapping: Bool
    /// What district IT was last told (or is about to be told) of this alert: nil when nothing yet.
    public var notifiedState: AlertState?
    public var notifiedSeverity: AlertSeverity?
    public var acknowledgedBy: String?
    public var acknowledgedAt: Date?

    public init(id: Int64 = 0, signal: AlertSignal, at now: Date, expiresAt: Date? = nil) {
        self.id = id
        fingerprint = signal.fingerprint
        rule = signal.rule
        subject = signal.subject
        state = .firing
        severity = signal.severity
        labels = signal.labels
        summary = signal.summary
        parents = signal.parents
        startsAt = now
        endsAt = nil
        lastSeenAt = now
        self.expiresAt = expiresAt
        flapping = false
    }

    public var acknowledged: Bool { acknowledgedAt != nil }
}

/// One change of an alert's state or severity, for its history and for flap detection.
public struct AlertTransition: Sendable, Hashable, Codable {
    public var alertID: Int64
    public var at: Date
    public var state: AlertState
    public var severity: AlertSeverity
    /// Why, when it is not the source's report: `expired`, `flapping`, `settled`.
    public var note: String?

    public init(alertID: Int64, at: Date, state: AlertState, severity: AlertSeverity, note: String? = nil) {
        self.alertID = alertID
        self.at = at
        self.state = state
        self.severity = severity
        self.note = note
    }
}
