import Foundation
import Model

/// EduNet's own JSON, signed the Standard Webhooks way (`webhook-id`, `webhook-timestamp`, `webhook-signature`):
/// `{"type": "alert.notification", "timestamp": …, "data": {…}}`. The id is the idempotency key: a receiver that
/// has seen it can drop the retry.
enum StandardWebhook {
    struct Payload: Encodable {
        var type: String
        var timestamp: Date
        var data: Data
    }

    struct Data: Encodable {
        var id: String
        var receiver: String
        var kind: String
        var status: String
        var groupKey: String
        var groupLabels: [String: String]
        var truncatedAlerts: Int
        var alerts: [AlertBody]
    }

    struct AlertBody: Encodable {
        var id: Int64
        var fingerprint: String
        var rule: String
        var status: String
        var severity: String
        var labels: [String: String]
        var summary: BilingualText
        var startsAt: Date
        var endsAt: Date?
        var flapping: Bool
        var acknowledgedBy: String?
    }

    static func request(url: String, webhookID: String, content: NotificationContent, secret: String?, at now: Date) -> WebhookRequest {
        let payload = Payload(
            type: content.kind == .test ? "alert.test" : "alert.notification", timestamp: content.createdAt,
            data: Data(
                id: webhookID, receiver: content.receiver, kind: content.kind.rawValue, status: content.status.rawValue, groupKey: content.groupKey,
                groupLabels: content.groupLabels, truncatedAlerts: content.truncated,
                alerts: content.alerts.map {
                    AlertBody(
                        id: $0.id, fingerprint: $0.fingerprint, rule: $0.rule, status: $0.state.rawValue, severity: $0.severity.rawValue,
                        labels: $0.labels, summary: $0.summary, startsAt: $0.startsAt, endsAt: $0.endsAt, flapping: $0.flapping,
                        acknowledgedBy: $0.acknowledgedBy)
                }))
        let body = WebhookFormatter.encode(payload)
        let timestamp = Int(now.timeIntervalSince1970)
        var headers: [(name: String, value: String)] = [("webhook-id", webhookID), ("webhook-timestamp", "\(timestamp)")]
        if let secret {
            headers.append(
                ("webhook-signature", WebhookSignature.standardWebhooks(secret: secret, webhookID: webhookID, timestamp: timestamp, body: body)))
        }
        return WebhookRequest(url: url, headers: headers, body: body)
    }
}
