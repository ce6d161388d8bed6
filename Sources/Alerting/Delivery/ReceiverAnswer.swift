import Foundation
import Model

/// What a receiver said to one attempt, and what that means: delivered, or try again (no sooner than it asked).
public struct ReceiverAnswer: Sendable, Hashable {
    /// The HTTP status; nil when no answer came (refused, timed out).
    public var status: Int?
    public var retryAfterHeader: String?
    public var body: String
    /// Why no answer came.
    public var transportError: String?

    public init(status: Int?, retryAfterHeader: String? = nil, body: String = "", transportError: String? = nil) {
        self.status = status
        self.retryAfterHeader = retryAfterHeader
        self.body = body
        self.transportError = transportError
    }

    /// Robots answer HTTP 200 with an error code in the body: DingTalk and WeCom `errcode`, Feishu `code`.
    public func verdict(for kind: AlertingPolicy.ReceiverKind, at now: Date) -> (delivered: Bool, retryAfter: TimeInterval?, problem: String?) {
        guard let status else { return (false, nil, transportError ?? "no answer") }
        let retryAfter = Self.retryAfter(retryAfterHeader, at: now)
        guard (200..<300).contains(status) else {
            return (false, retryAfter, "HTTP \(status)" + (body.isEmpty ? "" : ": " + String(body.prefix(200))))
        }
        switch kind {
        case .generic, .alertmanager:
            return (true, nil, nil)
        case .dingtalk, .wecom, .feishu:
            let object = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
            let code = (object?["errcode"] ?? object?["code"] ?? object?["StatusCode"]) as? Int
            guard let code else { return (false, retryAfter, "the robot's answer has no error code: \(body.prefix(200))") }
            guard code != 0 else { return (true, nil, nil) }
            let message = (object?["errmsg"] ?? object?["msg"]) as? String ?? ""
            // Sending too fast: DingTalk 130101 (the robot is throttled for minutes), WeCom 45009, Feishu 9499 / 11232.
            let throttled = [130_101, 45_009, 9499, 11_232].contains(code)
            return (false, throttled ? max(retryAfter ?? 0, 60) : retryAfter, "robot error \(code): \(message)")
        }
    }

    /// `Retry-After` as seconds or as an HTTP date.
    static func retryAfter(_ header: String?, at now: Date) -> TimeInterval? {
        guard let header = header?.trimmingCharacters(in: .whitespaces), !header.isEmpty else { return nil }
        if let seconds = Double(header) { return max(0, seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: header).map { max(0, $0.timeIntervalSince(now)) }
    }
}
