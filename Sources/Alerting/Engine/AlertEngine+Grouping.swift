import Foundation
import Model
import Store

extension AlertEngine.Step {
    /// Turns the notifications of each group that is due into one outbox message. A group with no message yet is due
    /// `group_wait` after its first notification; after a message, not before `group_interval` has passed. At that time
    /// each alert is said once, in its latest state: one that fired and resolved in between (never heard of) is left
    /// out, and one that has since been silenced or whose parent now fires is held back (and said when that ends).
    mutating func flushGroups(
        pending: [AlertStore.PendingNotification], lastMessage: [String: [String: Date]], fingerprintOfID: [Int64: String],
        makeWebhookID: () -> String
    ) {
        let wait = policy.grouping.groupWaitSeconds
        let interval = policy.grouping.groupIntervalSeconds
        let groups = Dictionary(grouping: pending) { GroupID(receiver: $0.receiver, key: $0.groupKey) }
        for (group, notifications) in groups.sorted(by: { $0.key < $1.key }) {
            let first = notifications.map(\.createdAt).min()!
            let last = lastMessage[group.receiver]?[group.key]
            let due = last.map { max(first.addingTimeInterval(wait), $0.addingTimeInterval(interval)) } ?? first.addingTimeInterval(wait)
            guard now >= due else { continue }
            var snapshots: [NotificationContent.AlertSnapshot] = []
            var carried: [Int64] = []
            for (alertID, said) in Dictionary(grouping: notifications, by: \.alertID).sorted(by: { $0.key < $1.key }) {
                let ids = said.map(\.id)
                guard let fingerprint = fingerprintOfID[alertID], var alert = alert(fingerprint), let latest = said.last else {
                    batch.dropped += ids
                    continue
                }
                if said[0].state == .firing, latest.state == .resolved {
                    batch.dropped += ids  // came and went between two messages: nobody heard it fire
                    continue
                }
                if latest.state == .firing, alert.state == .firing, !alert.flapping, isSuppressed(alert) {
                    batch.dropped += ids
                    alert.notifiedState = nil
                    changed[fingerprint] = alert
                    continue
                }
                var snapshot = NotificationContent.AlertSnapshot(alert)
                (snapshot.state, snapshot.severity) = (latest.state, latest.severity)
                snapshot.endsAt = latest.state == .resolved ? (alert.endsAt ?? latest.createdAt) : nil
                snapshots.append(snapshot)
                carried += ids
            }
            guard !snapshots.isEmpty else { continue }
            batch.messages.append(
                message(
                    .change, group: group, labels: notifications[0].groupLabels, snapshots: snapshots,
                    notifications: carried, webhookID: makeWebhookID()))
        }
    }

    /// Groups that still have firing alerts nobody acknowledged, and no message for `repeat_interval`, are sent again.
    mutating func repeatGroups(
        pending: [AlertStore.PendingNotification], lastMessage: [String: [String: Date]],
        makeWebhookID: () -> String
    ) {
        let horizon = now.addingTimeInterval(-policy.grouping.repeatIntervalMinutes * 60)
        let stale = Set(
            lastMessage.flatMap { receiver, groups in groups.filter { $0.value <= horizon }.map { GroupID(receiver: receiver, key: $0.key) } })
        guard !stale.isEmpty else { return }
        let busy = Set(pending.map { GroupID(receiver: $0.receiver, key: $0.groupKey) })
        var members: [GroupID: (labels: [String: String], alerts: [Alert])] = [:]
        for alert in stored.values where alert.state == .firing && alert.notifiedState == .firing && !alert.flapping && !alert.acknowledged {
            let (receiver, labels) = policy.route(alert.labels)
            let group = GroupID(receiver: receiver, key: Self.groupKey(labels))
            guard stale.contains(group), !busy.contains(group), !isSuppressed(alert) else { continue }
            members[group, default: (labels, [])].alerts.append(alert)
        }
        for (group, entry) in members.sorted(by: { $0.key < $1.key }) {
            batch.messages.append(
                message(
                    .repeat_, group: group, labels: entry.labels, snapshots: entry.alerts.map(NotificationContent.AlertSnapshot.init),
                    notifications: [], webhookID: makeWebhookID()))
        }
    }

    /// A message with the most urgent alerts first, at most `max_alerts` of them.
    private func message(
        _ kind: NotificationContent.Kind, group: GroupID, labels: [String: String], snapshots: [NotificationContent.AlertSnapshot],
        notifications: [Int64], webhookID: String
    ) -> AlertStore.MessageDraft {
        let ordered = snapshots.sorted {
            ($0.state == .firing ? 0 : 1, -$0.severity.order, $0.startsAt, $0.id) < (
                $1.state == .firing ? 0 : 1, -$1.severity.order, $1.startsAt, $1.id
            )
        }
        let limit = policy.grouping.maxAlerts
        let content = NotificationContent(
            kind: kind, receiver: group.receiver, groupKey: group.key, groupLabels: labels,
            alerts: Array(ordered.prefix(limit)), truncated: max(0, ordered.count - limit), createdAt: now)
        return .init(webhookID: webhookID, content: content, notifications: notifications)
    }
}

/// A receiver's group of alerts.
struct GroupID: Hashable, Comparable {
    var receiver: String
    var key: String
    static func < (a: GroupID, b: GroupID) -> Bool { (a.receiver, a.key) < (b.receiver, b.key) }
}

extension AlertSeverity {
    /// 0 for info, up to 2 for critical.
    var order: Int { AlertSeverity.allCases.firstIndex(of: self)! }
}
