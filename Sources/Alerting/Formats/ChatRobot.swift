import Foundation
import Model

/// DingTalk, WeCom and Feishu group robots: one readable message per group, in Chinese unless the receiver asks for
/// English, with the most urgent alerts first and the rest counted.
enum ChatRobot {
    /// Alerts listed in one robot message: a chat is read by people, and robots cap a message's size (WeCom: 4,096 bytes).
    static let listed = 10

    static func dingTalk(url: String, content: NotificationContent, secret: String?, english: Bool, at now: Date) -> WebhookRequest {
        var target = url
        if let secret {
            let milliseconds = Int64((now.timeIntervalSince1970 * 1000).rounded(.down))
            let sign = WebhookSignature.dingTalk(secret: secret, timestampMilliseconds: milliseconds)
            target += (url.contains("?") ? "&" : "?") + "timestamp=\(milliseconds)&sign=\(percentEncoded(sign))"
        }
        let body: [String: Any] = [
            "msgtype": "markdown", "markdown": ["title": title(content, english: english), "text": markdown(content, english: english)],
        ]
        return WebhookRequest(url: target, headers: [], body: json(body))
    }

    static func weCom(url: String, content: NotificationContent, english: Bool) -> WebhookRequest {
        let text = "**" + title(content, english: english) + "**\n" + markdown(content, english: english, headline: false)
        return WebhookRequest(url: url, headers: [], body: json(["msgtype": "markdown", "markdown": ["content": text]]))
    }

    static func feishu(url: String, content: NotificationContent, secret: String?, english: Bool, at now: Date) -> WebhookRequest {
        var body: [String: Any] = [
            "msg_type": "post",
            "content": [
                "post": [
                    english ? "en_us" : "zh_cn": [
                        "title": title(content, english: english),
                        "content": lines(content, english: english).map { [["tag": "text", "text": $0]] },
                    ]
                ]
            ],
        ]
        if let secret {
            let seconds = Int64(now.timeIntervalSince1970)
            body["timestamp"] = "\(seconds)"
            body["sign"] = WebhookSignature.feishu(secret: secret, timestampSeconds: seconds)
        }
        return WebhookRequest(url: url, headers: [], body: json(body))
    }

    // MARK: - Text

    static func title(_ content: NotificationContent, english: Bool) -> String {
        if content.kind == .test { return english ? "EduNet test message" : "EduNet 测试消息" }
        let firing = content.alerts.filter { $0.state == .firing }.count
        let resolved = content.alerts.count - firing
        var parts: [String] = []
        if firing > 0 { parts.append(english ? "\(firing) firing" : "\(firing) 条告警") }
        if resolved > 0 { parts.append(english ? "\(resolved) resolved" : "\(resolved) 条恢复") }
        let rules = Set(content.alerts.map(\.rule))
        let what = rules.count == 1 ? AlertWords.rule(rules.first!).text(english: english) : (english ? "alerts" : "告警")
        let prefix = content.kind == .repeat_ ? (english ? "[still firing] " : "【仍未恢复】") : ""
        return prefix + "EduNet · \(what) · " + parts.joined(separator: english ? ", " : "，")
    }

    /// One line per alert, then the count of those not listed.
    static func lines(_ content: NotificationContent, english: Bool) -> [String] {
        if content.kind == .test {
            return [
                english
                    ? "A test from edunetd: this receiver is reachable and its signature checks out."
                    : "来自 edunetd 的测试消息：此接收端可以送达，签名校验通过。"
            ]
        }
        var result = content.alerts.prefix(listed).map { alert in
            let state = AlertWords.state(alert, english: english)
            var line = "[\(AlertWords.severity(alert.severity).text(english: english))·\(state)] \(alert.summary.text(english: english))"
            line += english ? " (since \(AlertWords.localTime(alert.startsAt))" : "（开始 \(AlertWords.localTime(alert.startsAt))"
            if let end = alert.endsAt { line += english ? ", ended \(AlertWords.localTime(end))" : "，结束 \(AlertWords.localTime(end))" }
            line += english ? ")" : "）"
            if let by = alert.acknowledgedBy { line += english ? " acknowledged by \(by)" : " 已由 \(by) 确认" }
            return line
        }
        let more = content.alerts.count - min(listed, content.alerts.count) + content.truncated
        if more > 0 { result.append(english ? "… and \(more) more" : "…… 另有 \(more) 条") }
        return result
    }

    static func markdown(_ content: NotificationContent, english: Bool, headline: Bool = true) -> String {
        let list = lines(content, english: english).map { "- " + $0 }.joined(separator: "\n")
        return headline ? "### " + title(content, english: english) + "\n\n" + list : list
    }

    static func json(_ object: [String: Any]) -> Data {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
    }

    static func percentEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
    }
}

/// The words alerts are described with, in Chinese and English.
public enum AlertWords {
    public static func rule(_ rule: String) -> BilingualText {
        switch rule {
        case "device_unreachable": BilingualText(zh: "设备不可达", en: "device unreachable")
        case "link_down": BilingualText(zh: "链路中断", en: "link down")
        case "link_congested": BilingualText(zh: "链路拥塞", en: "link congested")
        case "compliance_fail": BilingualText(zh: "指标不达标", en: "compliance failure")
        case "trap_link_down": BilingualText(zh: "端口断开（Trap）", en: "port down (trap)")
        case "device_restarted": BilingualText(zh: "设备重启", en: "device restarted")
        case "snmp_auth_failure": BilingualText(zh: "SNMP 认证失败", en: "SNMP authentication failure")
        case "delivery_failed": BilingualText(zh: "告警投递失败", en: "alert delivery failed")
        case "snmp_default_community": BilingualText(zh: "设备响应默认团体名", en: "device answers a default community")
        case "security_posture": BilingualText(zh: "等级保护检查不达标", en: "security posture failure")
        default: BilingualText(zh: rule, en: rule)
        }
    }

    public static func severity(_ severity: AlertSeverity) -> BilingualText {
        switch severity {
        case .info: BilingualText(zh: "提示", en: "info")
        case .warning: BilingualText(zh: "警告", en: "warning")
        case .critical: BilingualText(zh: "严重", en: "critical")
        }
    }

    static func state(_ alert: NotificationContent.AlertSnapshot, english: Bool) -> String {
        if alert.flapping { return english ? "flapping" : "抖动" }
        return alert.state == .firing ? (english ? "firing" : "告警") : (english ? "resolved" : "已恢复")
    }

    /// The city's time, which district IT reads, with its zone: `2026-11-29 16:05:00 UTC+8`.
    public static func localTime(_ date: Date) -> String { CityTime.second(date) }
}
