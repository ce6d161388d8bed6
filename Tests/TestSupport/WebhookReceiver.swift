import Foundation
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A real HTTP server on loopback that records every request (header names in lower case) and answers as told: the
/// far end of a webhook.
package final class WebhookReceiver: Sendable {
    package struct Received: Sendable {
        package var path: String
        package var query: [String: String]
        package var headers: [String: String]
        package var body: Data

        package var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:] }
    }

    /// How to answer: the status, a `Retry-After`, and the body (robots' `errcode`/`code` 0 by default).
    package struct Answer: Sendable {
        package var status = 200
        package var retryAfter: String?
        package var body = #"{"errcode":0,"errmsg":"ok","code":0,"msg":"success"}"#

        package init(status: Int = 200, retryAfter: String? = nil, body: String = #"{"errcode":0,"errmsg":"ok","code":0,"msg":"success"}"#) {
            self.status = status
            self.retryAfter = retryAfter
            self.body = body
        }
    }

    package let port: Int
    private let state = Recorder()
    private let task = Mutex<Task<Void, any Error>?>(nil)

    package init(port: Int? = nil) { self.port = port ?? Self.freePort() }

    package var received: [Received] { state.value.withLock { $0.received } }
    package func answer(_ answer: Answer) { state.value.withLock { $0.answer = answer } }
    package func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    /// Starts listening; returns once the port is open.
    package func start() async throws {
        let router = Router()
        // POSTs are webhooks; GETs are health checks (the education cloud's replicas), answered the same way.
        let handle: @Sendable (Request, BasicRequestContext) async throws -> Response = { [state] request, _ in
            let body = try await request.body.collect(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
            var query: [String: String] = [:]
            for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
            let answer = state.value.withLock { value -> Answer in
                value.received.append(Received(path: request.uri.path, query: query, headers: headers, body: Data(buffer: body)))
                return value.answer
            }
            var responseHeaders = HTTPFields()
            responseHeaders[.contentType] = "application/json"
            if let retryAfter = answer.retryAfter { responseHeaders[.retryAfter] = retryAfter }
            return Response(status: .init(code: answer.status), headers: responseHeaders, body: .init(byteBuffer: ByteBuffer(string: answer.body)))
        }
        router.post("**", use: handle)
        router.get("**", use: handle)
        let (running, ready) = AsyncStream.makeStream(of: Void.self)
        var quiet = Logger(label: "webhook-receiver")
        quiet.logLevel = .critical  // stopping by cancellation logs errors that are not
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { _ in ready.yield() }, logger: quiet)
        task.withLock { $0 = Task { try await app.runService(gracefulShutdownSignals: []) } }
        for await _ in running { break }
    }

    package func stop() async {
        let running = task.withLock { task -> Task<Void, any Error>? in
            defer { task = nil }
            return task
        }
        running?.cancel()
        _ = try? await running?.value
    }

    /// Ports handed out in this process, so that two receivers (one of them perhaps not listening yet) never share one.
    private static let handedOut = Mutex<Set<Int>>([])

    /// A port of 127.0.0.1 that nobody holds now, over TCP or UDP, and no other caller of this process was given.
    /// It is drawn below the kernel's ephemeral range (32768 and up), so that no process's outgoing socket can take it
    /// between the test choosing it and a server binding it: a daemon restarted by a test rebinds its trap port.
    package static func freePort() -> Int {
        while true {
            let port = Int.random(in: 10_000..<32_768)
            if unused(port, type: SOCK_STREAM), unused(port, type: SOCK_DGRAM), handedOut.withLock({ $0.insert(port).inserted }) {
                return port
            }
        }
    }

    private static func unused(_ port: Int, type: __socket_type) -> Bool {
        let fd = socket(AF_INET, Int32(type.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
}

/// What a receiver has been sent, and how it answers next.
package final class Recorder: Sendable {
    package let value = Mutex<(received: [WebhookReceiver.Received], answer: WebhookReceiver.Answer)>(([], .init()))
}
