import Crypto
import Foundation

/// The HMAC-SHA256 signatures receivers check, each exactly as its service documents it.
public enum WebhookSignature {
    /// Standard Webhooks: `v1,` + base64 HMAC-SHA256 of `id.timestamp.body`, keyed by the secret; a `whsec_` secret is
    /// base64 after its prefix (as the standard's libraries issue them), any other secret is used as its UTF-8 bytes.
    public static func standardWebhooks(secret: String, webhookID: String, timestamp: Int, body: Data) -> String {
        var message = Data("\(webhookID).\(timestamp).".utf8)
        message.append(body)
        return "v1," + hmac(key: standardWebhooksKey(secret), message: message).base64EncodedString()
    }

    static func standardWebhooksKey(_ secret: String) -> Data {
        if secret.hasPrefix("whsec_"), let key = Data(base64Encoded: String(secret.dropFirst(6))) { return key }
        return Data(secret.utf8)
    }

    /// DingTalk custom robot: base64 HMAC-SHA256 of `timestamp\nsecret` keyed by the secret (timestamp in milliseconds),
    /// sent URL-encoded as `&timestamp=…&sign=…`.
    public static func dingTalk(secret: String, timestampMilliseconds: Int64) -> String {
        hmac(key: Data(secret.utf8), message: Data("\(timestampMilliseconds)\n\(secret)".utf8)).base64EncodedString()
    }

    /// Feishu/Lark custom bot: base64 HMAC-SHA256 keyed by `timestamp\nsecret` over an empty message (timestamp in
    /// seconds), sent in the body as `timestamp` and `sign`.
    public static func feishu(secret: String, timestampSeconds: Int64) -> String {
        hmac(key: Data("\(timestampSeconds)\n\(secret)".utf8), message: Data()).base64EncodedString()
    }

    static func hmac(key: Data, message: Data) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }
}
