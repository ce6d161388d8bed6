import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Sends webhook requests over one pooled HTTP client (async-http-client) for the whole process, which lives as long
/// as the process and so needs no shutdown; every failure becomes an answer, never a throw.
public struct WebhookClient: Sendable {
    /// A refused connection is an answer at once (the outbox retries with its own backoff; the client's own retries
    /// would hold a receiver's lane until the request's deadline); no redirects (a webhook that moved is a failure
    /// for district IT to fix in alerting.yaml).
    private static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(5)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()
    private var client: HTTPClient { Self.client }

    public init() {}

    public func send(_ request: WebhookRequest, timeout: TimeInterval) async -> ReceiverAnswer {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = .POST
        for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
        outgoing.body = .bytes(ByteBuffer(bytes: request.body))
        do {
            let response = try await client.execute(outgoing, timeout: .milliseconds(Int64(timeout * 1000)))
            let body = try await response.body.collect(upTo: 64 * 1024)
            return ReceiverAnswer(
                status: Int(response.status.code), retryAfterHeader: response.headers.first(name: "Retry-After"),
                body: String(buffer: body))
        } catch {
            return ReceiverAnswer(status: nil, transportError: Self.describe(error))
        }
    }

    private static func describe(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("connectTimeout") || text.contains("deadlineExceeded") { return "timed out" }
        if text.contains("connectionRefused") || text.contains("Connection refused") { return "connection refused" }
        return text.count > 200 ? String(text.prefix(200)) + "…" : text
    }
}
