import Foundation
import Model
import Store

extension AlertEngine {
    /// One step of the engine: the alerts it changes (working copies), and the batch that stores them.
    /// Works on copies of the engine's state (copied on write: free unless changed), so it needs no isolation.
    struct Step {
        let now: Date
        let policy: AlertingPolicy
        let stored: [String: Alert]
        let recentChanges: [String: [Date]]
        let silences: [Silence]
        var changed: [String: Alert] = [:]
        var batch = AlertStore.Batch()
        /// State changes made in this step, for flap detection once stored.
        var newChanges: [String: [Date]] = [:]
        /// Firing alerts reported again with nothing new: only their last-seen time moves (in memory, not written).
        var touched: [String] = []

        /// The alert as this step sees it.
        func alert(_ fingerprint: String) -> Alert? { changed[fingerprint] ?? stored[fingerprint] }

        mutating func record(_ alert: Alert, note: String?) {
            batch.transitions.append(
                (alert.fingerprint, AlertTransition(alertID: alert.id, at: now, state: alert.state, severity: alert.severity, note: note)))
        }

        /// The condition holds: a new alert, one firing again, or one whose severity or description changed.
        mutating func fire(_ signal: AlertSignal, expiresAt: Date?) {
            guard var alert = alert(signal.fingerprint) else {
                let alert = Alert(signal: signal, at: now, expiresAt: expiresAt)
                changed[alert.fingerprint] = alert
                record(alert, note: nil)
                stateChanged(alert.fingerprint)
                return
            }
            var dirty =
                alert.labels != signal.labels || alert.summary != signal.summary || alert.parents != signal.parents || alert.expiresAt != expiresAt
            (alert.labels, alert.summary, alert.parents, alert.expiresAt, alert.lastSeenAt) = (
                signal.labels, signal.summary, signal.parents, expiresAt, now
            )
            if alert.state == .resolved {
                (alert.state, alert.startsAt, alert.endsAt, alert.severity) = (.firing, now, nil, signal.severity)
                (alert.acknowledgedBy, alert.acknowledgedAt) = (nil, nil)
                changed[alert.fingerprint] = alert
                record(alert, note: nil)
                stateChanged(alert.fingerprint)
                return
            }
            if alert.severity != signal.severity {
                alert.severity = signal.severity
                record(alert, note: "severity")
                dirty = true
            }
            if dirty { changed[alert.fingerprint] = alert } else { touched.append(alert.fingerprint) }
        }

        /// The condition is over.
        mutating func resolve(_ fingerprint: String, note: String?) {
            guard var alert = alert(fingerprint), alert.state == .firing else { return }
            (alert.state, alert.endsAt, alert.expiresAt) = (.resolved, now, nil)
            changed[fingerprint] = alert
            record(alert, note: note)
            stateChanged(fingerprint)
        }

        /// Counts a change towards flapping; past the policy's limit the alert is held, and announced once.
        private mutating func stateChanged(_ fingerprint: String) {
            newChanges[fingerprint, default: []].append(now)
            guard var alert = changed[fingerprint], !alert.flapping else { return }
            let horizon = now.addingTimeInterval(-policy.flapping.withinMinutes * 60)
            let count = (recentChanges[fingerprint] ?? []).filter { $0 > horizon }.count + (newChanges[fingerprint]?.count ?? 0)
            guard count > policy.flapping.changes else { return }
            alert.flapping = true
            record(alert, note: "flapping")
            if !isSuppressed(alert) { notify(&alert, state: .firing) }
            changed[fingerprint] = alert
        }

        /// Releases flapping alerts that have not changed for the whole window; what they settled on is then notified.
        mutating func settleFlapping() {
            let horizon = now.addingTimeInterval(-policy.flapping.withinMinutes * 60)
            for (fingerprint, alert) in stored where alert.flapping {
                guard (recentChanges[fingerprint] ?? []).allSatisfy({ $0 <= horizon }) else { continue }
                var settled = self.alert(fingerprint) ?? alert
                settled.flapping = false
                changed[fingerprint] = settled
                record(settled, note: "settled")
            }
        }

        /// Silenced, or a parent alert fires.
        func isSuppressed(_ alert: Alert) -> Bool {
            silences.contains { $0.isActive(at: now) && $0.matches(alert.labels) }
                || alert.parents.contains { self.alert($0)?.state == .firing }
        }

        /// Owes a notification of `alert` in `state` to the receiver its labels route to.
        mutating func notify(_ alert: inout Alert, state: AlertState) {
            let (receiver, groupLabels) = policy.route(alert.labels)
            batch.notifications.append(
                .init(
                    fingerprint: alert.fingerprint,
                    notice: .init(
                        receiver: receiver, groupKey: Self.groupKey(groupLabels), groupLabels: groupLabels, state: state, severity: alert.severity,
                        createdAt: now)))
            (alert.notifiedState, alert.notifiedSeverity) = (state, alert.severity)
        }

        static func groupKey(_ labels: [String: String]) -> String {
            labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        }

        /// What district IT must now be told of an alert, if anything: a firing alert not suppressed whose state or
        /// severity they have not heard; a resolution of one they heard fire. Flapping alerts wait until they settle.
        mutating func reconcile(_ fingerprint: String) {
            guard var alert = alert(fingerprint), !alert.flapping else { return }
            switch alert.state {
            case .firing:
                guard alert.notifiedState != .firing || alert.notifiedSeverity != alert.severity, !isSuppressed(alert) else { return }
                notify(&alert, state: .firing)
            case .resolved:
                guard alert.notifiedState == .firing else { return }
                notify(&alert, state: .resolved)
            }
            changed[fingerprint] = alert
        }

        mutating func reconcileChanged() {
            for fingerprint in changed.keys.sorted() { reconcile(fingerprint) }
            // Children whose parent changed in this step may now be suppressed or free.
            let parents = Set(changed.keys)
            for (fingerprint, alert) in stored where changed[fingerprint] == nil && alert.parents.contains(where: parents.contains) {
                reconcile(fingerprint)
            }
        }

        mutating func reconcileAll() {
            for (fingerprint, alert) in stored where alert.notifiedState != alert.state || alert.state == .firing {
                reconcile(fingerprint)
            }
            for fingerprint in changed.keys where stored[fingerprint] == nil { reconcile(fingerprint) }
        }
    }

}
