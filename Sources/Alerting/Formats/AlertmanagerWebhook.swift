import Foundation
import Model

/// The JSON Prometheus Alertmanager posts to its webhook receivers (version 4), so that tools written for it
/// (am-executor, ticket bridges, dashboards) consume EduNet's alerts unchanged. `alertname` is the rule.
enum AlertmanagerWebhook {
    struct Payload: Encodable {
        var version = "4"
        var groupKey: String
        var truncatedAlerts: Int
        var status: String
        var receiver: String
        var groupLabels: [String: String]
        var commonLabels: [String: String]
        var commonAnnotations: [String: String]
        var externalURL: String
        var alerts: [AlertBody]
    }

    struct AlertBody: Encodable {
        var status: String
        var labels: [String: String]
        var annotations: [String: String]
        var startsAt: String
        var endsAt: String
        var generatorURL: String
        var fingerprint: String
    }

    /// Alertmanager's "zero" time for an alert that has not ended.
    static let notEnded = "0001-01-01T00:00:00Z"

    static func body(_ content: NotificationContent, receiver: String, english: Bool) -> Data {
        let alerts = content.alerts.map { alert in
            var labels = alert.labels
            labels["alertname"] = alert.rule
            labels["severity"] = alert.severity.rawValue
            var annotations = ["summary": alert.summary.text(english: english), "summary_zh": alert.summary.zh, "summary_en": alert.summary.en]
            if alert.flapping { annotations["flapping"] = "true" }
            if let by = alert.acknowledgedBy { annotations["acknowledged_by"] = by }
            return AlertBody(
                status: alert.state.rawValue, labels: labels, annotations: annotations, startsAt: WebhookFormatter.rfc3339(alert.startsAt),
                endsAt: alert.endsAt.map(WebhookFormatter.rfc3339) ?? notEnded, generatorURL: "", fingerprint: alert.fingerprint)
        }
        let groupLabels = content.groupLabels
        let matchers = groupLabels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }.joined(separator: ", ")
        let payload = Payload(
            groupKey: "{}:{\(matchers)}", truncatedAlerts: content.truncated, status: content.status.rawValue, receiver: receiver,
            groupLabels: groupLabels, commonLabels: common(alerts.map(\.labels)), commonAnnotations: common(alerts.map(\.annotations)),
            externalURL: "", alerts: alerts)
        return WebhookFormatter.encode(payload)
    }

    /// The pairs every dictionary has.
    static func common(_ all: [[String: String]]) -> [String: String] {
        guard var result = all.first else { return [:] }
        for other in all.dropFirst() { result = result.filter { other[$0.key] == $0.value } }
        return result
    }
}
