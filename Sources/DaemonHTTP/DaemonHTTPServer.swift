import API
import Foundation
import Hummingbird
import NIOCore
import Prometheus

/// The daemon's HTTP face, on a loopback address by default: `/metrics` in the Prometheus text format from
/// the daemon's registry, `/healthz` answering 200 while the daemon is healthy and 503 with the reason
/// when it is not (no poll for two intervals, say), and the API under `/api/v1` when it is given one.
/// A swift-service-lifecycle service.
public struct DaemonHTTPServer: Sendable {
    /// What `/healthz` reports: healthy or not, and a line saying why.
    public typealias Health = @Sendable () async -> (healthy: Bool, detail: String)

    public let host: String
    public let port: Int
    public let registry: PrometheusCollectorRegistry
    public let health: Health
    public let api: APIService?

    public init(host: String, port: Int, registry: PrometheusCollectorRegistry, api: APIService? = nil, health: @escaping Health) {
        self.host = host
        self.port = port
        self.registry = registry
        self.api = api
        self.health = health
    }

    /// The Hummingbird application; run it in a service group (it is a `Service`).
    public func application(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let router = Router(context: APIContext.self)
        api?.register(on: router)
        let registry = self.registry
        let health = self.health
        router.get("metrics") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        router.get("healthz") { _, _ -> Response in
            let (healthy, detail) = await health()
            return Response(
                status: healthy ? .ok : .serviceUnavailable, headers: [.contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: detail + "\n")))
        }
        return Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "edunetd"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) })
    }

    /// A sentence for people when `error` is the listening address being taken or not allowed, else nil.
    public func explain(_ error: any Error) -> String? {
        guard let io = error as? IOError, io.errnoCode == EADDRINUSE || io.errnoCode == EACCES || io.errnoCode == EADDRNOTAVAIL else { return nil }
        let why =
            io.errnoCode == EADDRINUSE ? "another program is listening there" : io.errnoCode == EACCES ? "permission denied" : "no such local address"
        return
            "cannot listen on \(host):\(port) for /metrics, /healthz and the API: \(why); set `http: {listen: HOST:PORT}` in the configuration (port 0 picks a free one)"
    }
}
