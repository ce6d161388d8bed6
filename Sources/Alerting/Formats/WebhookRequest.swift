import Foundation
import Model

/// An HTTP POST ready to send: where, which headers, what body. Built fresh for each attempt (robots sign the
/// time of sending), from the same stored message, so the body's content and the idempotency key never change.
public struct WebhookRequest: Sendable {
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: Data

    public func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }
}

/// Builds the request for a receiver of any kind.
public enum WebhookFormatter {
    /// Every message also carries its id in this header, whatever the format, for receivers that deduplicate.
    public static let messageIDHeader = "X-EduNet-Message-ID"

    /// `secret` is the receiver's resolved signing secret (nil when it has none); `now` is the time of sending.
    public static func request(
        for receiver: AlertingPolicy.Receiver, webhookID: String, content: NotificationContent, secret: String?,
        at now: Date
    ) -> WebhookRequest {
        let english = receiver.english ?? false
        var request: WebhookRequest
        switch receiver.kind {
        case .generic:
            request = StandardWebhook.request(url: receiver.url, webhookID: webhookID, content: content, secret: secret, at: now)
        case .alertmanager:
            request = WebhookRequest(url: receiver.url, headers: [], body: AlertmanagerWebhook.body(content, receiver: receiver.id, english: english))
        case .dingtalk:
            request = ChatRobot.dingTalk(url: receiver.url, content: content, secret: secret, english: english, at: now)
        case .wecom:
            request = ChatRobot.weCom(url: receiver.url, content: content, english: english)
        case .feishu:
            request = ChatRobot.feishu(url: receiver.url, content: content, secret: secret, english: english, at: now)
        }
        request.headers.insert(("Content-Type", "application/json; charset=utf-8"), at: 0)
        request.headers.append((messageIDHeader, webhookID))
        request.headers.append(("User-Agent", "EduNet-edunetd"))
        return request
    }

    static let jsonEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(rfc3339(date))
        }
        return encoder
    }()

    static func encode<T: Encodable>(_ value: T) -> Data { (try? jsonEncoder.encode(value)) ?? Data("{}".utf8) }

    /// `2026-11-29T08:00:00Z`.
    static func rfc3339(_ date: Date) -> String { date.formatted(.iso8601) }
}
