import Foundation
import Logging
import Model
import Store

/// The alert lifecycle: turns what sources report into alerts (deduplicated by fingerprint, firing → resolved,
/// severities, flapping held, children of a firing parent suppressed, silences honoured), and turns alert changes
/// into notifications for the receiver each alert routes to, grouped and timed as Alertmanager does. Every step is
/// written to the store in one transaction: an alert's new state and the notification it owes land together.
///
/// Time is always passed in (`at:`), so that every rule can be tested exactly; the daemon passes the wall clock.
public actor AlertEngine {
    private(set) var policy: AlertingPolicy
    let store: AlertStore
    let logger: Logger
    /// Makes the idempotency key of each new message (`webhook-id`).
    let makeWebhookID: @Sendable () -> String
    /// Every stored alert by fingerprint (one row per fingerprint, so this is bounded by the subjects that ever alerted).
    var alerts: [String: Alert] = [:]
    var fingerprintOfID: [Int64: String] = [:]
    /// State changes within the flapping window, by fingerprint.
    var recentChanges: [String: [Date]] = [:]
    /// Silences and maintenance windows not yet over, as last read from the store.
    var silences: [Silence] = []
    /// The latest acknowledgement read from the store (they are made by the CLI, in another process).
    var acknowledgementsRead = Date.distantPast

    /// Loads the stored alerts, and the state changes within the flapping window before `now`.
    public init(
        store: AlertStore, policy: AlertingPolicy, logger: Logger, at now: Date,
        makeWebhookID: @escaping @Sendable () -> String = AlertEngine.randomWebhookID
    ) throws(StoreError) {
        self.store = store
        self.policy = policy
        self.logger = logger
        self.makeWebhookID = makeWebhookID
        var byFingerprint: [String: Alert] = [:]
        var byID: [Int64: String] = [:]
        for alert in try store.alerts() {
            byFingerprint[alert.fingerprint] = alert
            byID[alert.id] = alert.fingerprint
        }
        var changes: [String: [Date]] = [:]
        // State changes only: a source's report (no note) or an expiry; not severity changes, nor flapping's own marks.
        for transition in try store.transitions(since: now.addingTimeInterval(-policy.flapping.withinMinutes * 60))
        where transition.note == nil || transition.note == "expired" {
            if let fingerprint = byID[transition.alertID] { changes[fingerprint, default: []].append(transition.at) }
        }
        alerts = byFingerprint
        fingerprintOfID = byID
        acknowledgementsRead = byFingerprint.values.compactMap(\.acknowledgedAt).max() ?? .distantPast
        recentChanges = changes
        silences = try store.silences(at: now)
    }

    /// `msg_` and 24 random hex digits (96 bits).
    public static func randomWebhookID() -> String {
        var generator = SystemRandomNumberGenerator()
        return String(format: "msg_%016llx%08x", generator.next() as UInt64, generator.next() as UInt32)
    }

    /// A new policy (after SIGHUP): routes and timing apply from the next step; stored alerts keep their history.
    public func update(policy: AlertingPolicy) { self.policy = policy }

    /// Level-triggered sources (reachability, link state, congestion, compliance): `active` is every condition of
    /// `rules` that holds at `now`. New ones fire, changed ones are updated, and alerts of these rules not in `active`
    /// resolve.
    public func evaluate(rules: Set<String>, active: [AlertSignal], at now: Date) throws(StoreError) {
        var step = makeStep(at: now)
        var seen = Set<String>()
        for signal in active where seen.insert(signal.fingerprint).inserted { step.fire(signal, expiresAt: nil) }
        for (fingerprint, alert) in alerts
        where alert.state == .firing && rules.contains(alert.rule) && alert.expiresAt == nil && !seen.contains(fingerprint) {
            step.resolve(fingerprint, note: nil)
        }
        step.reconcileChanged()
        try commit(step)
    }

    /// An event (a trap): fires now, and resolves by itself after `hold` unless raised again or resolved first; with no
    /// hold it stays until `resolve`.
    public func raise(_ signal: AlertSignal, hold: TimeInterval?, at now: Date) throws(StoreError) {
        var step = makeStep(at: now)
        step.fire(signal, expiresAt: hold.map { now.addingTimeInterval($0) })
        step.reconcileChanged()
        try commit(step)
    }

    /// Resolves one alert (linkUp after linkDown; a receiver that accepts messages again).
    public func resolve(fingerprint: String, at now: Date) throws(StoreError) {
        var step = makeStep(at: now)
        step.resolve(fingerprint, note: nil)
        step.reconcileChanged()
        try commit(step)
    }

    /// The periodic step: event alerts past their hold resolve, silences and acknowledgements made elsewhere are read,
    /// flapping alerts that have settled are released, suppressions that ended are notified, and groups that are due
    /// become outbox messages (changes after group wait / group interval; repeats after the repeat interval).
    public func tick(at now: Date) throws(StoreError) {
        silences = try store.silences(at: now)
        for (id, acknowledgement) in try store.acknowledgements(after: acknowledgementsRead) {
            acknowledgementsRead = max(acknowledgementsRead, acknowledgement.at)
            guard let fingerprint = fingerprintOfID[id], var alert = alerts[fingerprint], alert.state == .firing else { continue }
            (alert.acknowledgedBy, alert.acknowledgedAt) = (acknowledgement.by, acknowledgement.at)
            alerts[fingerprint] = alert
        }
        var step = makeStep(at: now)
        for (fingerprint, alert) in alerts where alert.state == .firing {
            if let expiry = alert.expiresAt, expiry <= now { step.resolve(fingerprint, note: "expired") }
        }
        step.settleFlapping()
        step.reconcileAll()
        try commit(step)
        let pending = try store.pendingNotifications()
        let lastMessage = try store.groupMessageTimes()
        var flush = makeStep(at: now)
        flush.flushGroups(pending: pending, lastMessage: lastMessage, fingerprintOfID: fingerprintOfID, makeWebhookID: makeWebhookID)
        flush.repeatGroups(pending: pending, lastMessage: lastMessage, makeWebhookID: makeWebhookID)
        try commit(flush)
    }

    /// Forgets resolved alerts (and their history) that ended before `cutoff` and were said to be resolved (or never
    /// said at all), and delivered messages older than it. Returns the alerts removed.
    @discardableResult
    public func prune(olderThan cutoff: Date) throws(StoreError) -> Int {
        let removed = try store.prune(olderThan: cutoff)
        for (fingerprint, alert) in alerts
        where alert.state == .resolved && (alert.endsAt ?? .distantFuture) < cutoff && alert.notifiedState != .firing {
            alerts[fingerprint] = nil
            fingerprintOfID[alert.id] = nil
        }
        return removed
    }

    /// Alerts firing by severity, and outbox messages by state.
    public func counts() throws(StoreError) -> (firing: [AlertSeverity: Int], outbox: [OutboxMessage.State: Int]) {
        var firing: [AlertSeverity: Int] = [:]
        for alert in alerts.values where alert.state == .firing { firing[alert.severity, default: 0] += 1 }
        return (firing, try store.outboxCounts())
    }

    /// The severity of each firing alert of a rule, by subject.
    public func firing(rule: String) -> [String: AlertSeverity] {
        Dictionary(alerts.values.filter { $0.rule == rule && $0.state == .firing }.map { ($0.subject, $0.severity) }, uniquingKeysWith: max)
    }

    /// Alerts as the engine holds them, for tests and status lines.
    public func current() -> [Alert] { alerts.values.sorted { $0.id < $1.id } }

    func makeStep(at now: Date) -> Step {
        Step(now: now, policy: policy, stored: alerts, recentChanges: recentChanges, silences: silences)
    }

    /// Alerts written in one transaction: a storm of 10,000 is written in chunks, so that the poller's writes to the
    /// same database wait for one chunk (a few milliseconds), not for the whole storm. Each alert's new state, history
    /// and notifications are always in the same chunk.
    static let chunkSize = 500

    /// Writes a step's batch; only once it is stored does the engine's memory take the changes.
    private func commit(_ step: Step) throws(StoreError) {
        for fingerprint in step.touched { alerts[fingerprint]?.lastSeenAt = step.now }
        guard !step.batch.isEmpty || !step.changed.isEmpty else { return }
        let changed = step.changed.values.sorted { ($0.id, $0.fingerprint) < ($1.id, $1.fingerprint) }
        var chunks: [AlertStore.Batch] = []
        if step.batch.messages.isEmpty, step.batch.dropped.isEmpty, changed.count > Self.chunkSize {
            let transitions = Dictionary(grouping: step.batch.transitions, by: \.fingerprint)
            let notifications = Dictionary(grouping: step.batch.notifications, by: \.fingerprint)
            for start in stride(from: 0, to: changed.count, by: Self.chunkSize) {
                var chunk = AlertStore.Batch()
                chunk.alerts = Array(changed[start..<min(start + Self.chunkSize, changed.count)])
                for alert in chunk.alerts {
                    chunk.transitions += transitions[alert.fingerprint] ?? []
                    chunk.notifications += notifications[alert.fingerprint] ?? []
                }
                chunks.append(chunk)
            }
        } else {
            var batch = step.batch
            batch.alerts = changed
            chunks = [batch]
        }
        for chunk in chunks {
            let ids = try store.apply(chunk)
            for var alert in chunk.alerts {
                if alert.id == 0, let id = ids[alert.fingerprint] { alert.id = id }
                alerts[alert.fingerprint] = alert
                fingerprintOfID[alert.id] = alert.fingerprint
                if let dates = step.newChanges[alert.fingerprint] { recentChanges[alert.fingerprint, default: []].append(contentsOf: dates) }
            }
        }
        let horizon = step.now.addingTimeInterval(-policy.flapping.withinMinutes * 60)
        for (fingerprint, dates) in recentChanges {
            let kept = dates.filter { $0 > horizon }
            recentChanges[fingerprint] = kept.isEmpty ? nil : kept
        }
    }
}
