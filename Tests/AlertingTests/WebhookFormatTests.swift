import Alerting
import Crypto
import Foundation
import Logging
import Model
import Store
import TestSupport
import Testing

/// Each receiver format, sent through the outbox and the delivery worker to a real HTTP server on loopback, checked
/// field by field, with its signature verified the way the receiving service does it.
@Suite("Webhook formats and signatures, to a real receiver")
struct WebhookFormatTests {
    static let secrets = [
        "GENERIC_SECRET": "whsec_" + Data("standard webhooks key".utf8).base64EncodedString(),
        "DINGTALK_SECRET": "SECa1b2c3d4e5f6", "FEISHU_SECRET": "feishu-bot-secret",
    ]

    /// One alert per county, each county routed to a receiver of another kind.
    @Test func everyFormatArrivesSignedAndComplete() async throws {
        let receiver = WebhookReceiver()
        try await receiver.start()
        defer { Task { await receiver.stop() } }
        let kinds: [(String, AlertingPolicy.ReceiverKind, SecretReference?)] = [
            ("xingqing", .generic, .environment("GENERIC_SECRET")), ("jinfeng", .alertmanager, nil),
            ("xixia", .dingtalk, .environment("DINGTALK_SECRET")),
            ("yongning", .wecom, nil), ("lingwu", .feishu, .environment("FEISHU_SECRET")),
        ]
        var policy = AlertingPolicy(
            receivers: kinds.map {
                .init(id: "\($0.0)-it", name: "\($0.0) IT", kind: $0.1, url: receiver.url("/\($0.1.rawValue)?access_token=t0k3n"), secret: $0.2)
            },
            routes: kinds.map { .init(match: ["county": $0.0], receiver: "\($0.0)-it") }, defaultReceiver: "xingqing-it")
        policy.grouping.groupWaitSeconds = 0
        let f = try AlertFixture(t0: Date())
        let engine = try f.engine(policy)
        let signals = kinds.map {
            AlertSignal(
                rule: "link_down", subject: "link-\($0.0)", severity: .critical, labels: ["county": $0.0, "link": "link-\($0.0)"],
                summary: BilingualText(zh: "链路 link-\($0.0) 中断", en: "link link-\($0.0) is down"))
        }
        try await engine.evaluate(rules: ["link_down"], active: signals, at: f.t0)
        try await engine.tick(at: f.t0)
        let worker = DeliveryWorker(
            store: f.store, policy: policy, client: WebhookClient(), engine: engine, logger: Logger(label: "test"),
            environment: Self.secrets)
        let sendTime = Date()
        let attempts = try await worker.deliverDue(at: sendTime)
        let outcome = try f.messages().map { "\($0.receiver) \($0.state) \($0.lastError ?? "")" }
        #expect(attempts == 5, "\(outcome)")
        #expect(try f.store.outboxCounts() == [.delivered: 5])
        let byPath = Dictionary(receiver.received.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        let messages = Dictionary(try f.messages().map { ($0.receiver, $0) }, uniquingKeysWith: { a, _ in a })

        // Generic: Standard Webhooks headers and signature, EduNet's JSON.
        let generic = try #require(byPath["/generic"])
        let id = try #require(generic.headers["webhook-id"])
        let timestamp = try #require(generic.headers["webhook-timestamp"])
        #expect(id == messages["xingqing-it"]?.webhookID && generic.headers["x-edunet-message-id"] == id)
        #expect(abs(Double(timestamp)! - sendTime.timeIntervalSince1970) < 2)
        let key = Data(base64Encoded: String(Self.secrets["GENERIC_SECRET"]!.dropFirst(6)))!
        let expected = Data(HMAC<SHA256>.authenticationCode(for: Data("\(id).\(timestamp).".utf8) + generic.body, using: SymmetricKey(data: key)))
        #expect(generic.headers["webhook-signature"] == "v1," + expected.base64EncodedString())
        let payload = generic.json
        #expect(payload["type"] as? String == "alert.notification")
        let data = try #require(payload["data"] as? [String: Any])
        #expect(data["id"] as? String == id && data["receiver"] as? String == "xingqing-it" && data["status"] as? String == "firing")
        let alert = try #require((data["alerts"] as? [[String: Any]])?.first)
        #expect(alert["rule"] as? String == "link_down" && alert["severity"] as? String == "critical" && alert["status"] as? String == "firing")
        #expect((alert["summary"] as? [String: String]) == ["zh": "链路 link-xingqing 中断", "en": "link link-xingqing is down"])
        #expect((alert["labels"] as? [String: String])?["county"] == "xingqing")
        #expect(alert["fingerprint"] as? String == AlertFingerprint.of(rule: "link_down", subject: "link-xingqing"))
        #expect(alert["endsAt"] == nil)

        // Alertmanager webhook, version 4.
        let am = try #require(byPath["/alertmanager"]).json
        #expect(am["version"] as? String == "4" && am["status"] as? String == "firing" && am["receiver"] as? String == "jinfeng-it")
        #expect(am["groupKey"] as? String == #"{}:{county="jinfeng", rule="link_down"}"# && am["truncatedAlerts"] as? Int == 0)
        #expect((am["groupLabels"] as? [String: String]) == ["county": "jinfeng", "rule": "link_down"])
        let amAlert = try #require((am["alerts"] as? [[String: Any]])?.first)
        #expect(
            (amAlert["labels"] as? [String: String])?["alertname"] == "link_down"
                && (amAlert["labels"] as? [String: String])?["severity"] == "critical")
        #expect((amAlert["annotations"] as? [String: String])?["summary"] == "链路 link-jinfeng 中断")
        #expect(amAlert["endsAt"] as? String == "0001-01-01T00:00:00Z")
        #expect((amAlert["startsAt"] as? String).flatMap { try? Date.ISO8601FormatStyle().parse($0) } != nil)
        #expect((am["commonLabels"] as? [String: String])?["link"] == "link-jinfeng")

        // DingTalk: timestamp and sign in the query, checked as DingTalk does (HMAC-SHA256 of "timestamp\nsecret").
        let ding = try #require(byPath["/dingtalk"])
        let dingTime = try #require(ding.query["timestamp"])
        let sign = try #require(ding.query["sign"]?.removingPercentEncoding)
        #expect(abs(Double(dingTime)! / 1000 - sendTime.timeIntervalSince1970) < 2, "DingTalk refuses a timestamp more than an hour off")
        let dingSecret = Self.secrets["DINGTALK_SECRET"]!
        #expect(
            sign
                == Data(
                    HMAC<SHA256>.authenticationCode(for: Data("\(dingTime)\n\(dingSecret)".utf8), using: SymmetricKey(data: Data(dingSecret.utf8)))
                ).base64EncodedString())
        #expect(ding.query["access_token"] == "t0k3n")
        #expect(ding.json["msgtype"] as? String == "markdown")
        let markdown = try #require(ding.json["markdown"] as? [String: String])
        #expect(markdown["title"] == "EduNet · 链路中断 · 1 条告警")
        #expect(markdown["text"]?.contains("[严重·告警] 链路 link-xixia 中断") == true)

        // WeCom: markdown content, Chinese.
        let wecom = try #require(byPath["/wecom"]).json
        #expect(wecom["msgtype"] as? String == "markdown")
        #expect((wecom["markdown"] as? [String: String])?["content"]?.hasPrefix("**EduNet · 链路中断 · 1 条告警**\n- [严重·告警] 链路 link-yongning 中断") == true)

        // Feishu: timestamp and sign in the body (HMAC-SHA256 keyed by "timestamp\nsecret" over nothing).
        let feishu = try #require(byPath["/feishu"]).json
        let feishuTime = try #require(feishu["timestamp"] as? String)
        let feishuKey = Data("\(feishuTime)\n\(Self.secrets["FEISHU_SECRET"]!)".utf8)
        #expect(
            feishu["sign"] as? String
                == Data(HMAC<SHA256>.authenticationCode(for: Data(), using: SymmetricKey(data: feishuKey))).base64EncodedString())
        #expect(feishu["msg_type"] as? String == "post")
        let post = try #require(((feishu["content"] as? [String: Any])?["post"] as? [String: Any])?["zh_cn"] as? [String: Any])
        #expect(post["title"] as? String == "EduNet · 链路中断 · 1 条告警")
        #expect(((post["content"] as? [[[String: String]]])?.first?.first?["text"])?.contains("链路 link-lingwu 中断") == true)
    }

    @Test func robotErrorCodesAndHTTPStatusesAreFailures() {
        let now = Date()
        #expect(ReceiverAnswer(status: 200, body: #"{"errcode":0,"errmsg":"ok"}"#).verdict(for: .dingtalk, at: now).delivered)
        let throttled = ReceiverAnswer(status: 200, body: #"{"errcode":130101,"errmsg":"send too fast"}"#).verdict(for: .dingtalk, at: now)
        #expect(!throttled.delivered && throttled.retryAfter == 60 && throttled.problem == "robot error 130101: send too fast")
        #expect(!ReceiverAnswer(status: 200, body: #"{"code":19021,"msg":"sign match fail"}"#).verdict(for: .feishu, at: now).delivered)
        let busy = ReceiverAnswer(status: 503, retryAfterHeader: "Sun, 29 Nov 2026 08:00:30 GMT").verdict(
            for: .generic, at: Date(timeIntervalSince1970: 1_795_939_200))
        #expect(!busy.delivered && busy.retryAfter == 30 && busy.problem == "HTTP 503")
        #expect(ReceiverAnswer(status: 204).verdict(for: .alertmanager, at: now).delivered)
        #expect(ReceiverAnswer(status: nil, transportError: "connection refused").verdict(for: .generic, at: now).problem == "connection refused")
    }
}
