import API
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Model
import NIOCore
import NIOSSL
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
    /// HTTP/1.1, over TLS when the configuration gives a certificate and key.
    let server: HTTPServerBuilder
    public let tls: Bool

    /// The server; `tls` files are read now, so that a missing or wrong certificate stops the start, naming the file.
    public init(
        host: String, port: Int, registry: PrometheusCollectorRegistry, api: APIService? = nil, tls: TLSFiles? = nil, health: @escaping Health
    ) throws(TLSFilesError) {
        self.host = host
        self.port = port
        self.registry = registry
        self.api = api
        self.health = health
        self.tls = tls != nil
        server = try tls.map(Self.server) ?? .http1()
    }

    /// HTTPS with the chain and key of `files`.
    static func server(_ files: TLSFiles) throws(TLSFilesError) -> HTTPServerBuilder {
        let chain: [NIOSSLCertificate]
        do { chain = try NIOSSLCertificate.fromPEMFile(files.certificate) } catch {
            throw TLSFilesError("http.tls.certificate \(files.certificate): not a readable PEM certificate chain (\(error))")
        }
        guard !chain.isEmpty else { throw TLSFilesError("http.tls.certificate \(files.certificate): no certificate in the file") }
        let key: NIOSSLPrivateKey
        do { key = try NIOSSLPrivateKey(file: files.key, format: .pem) } catch {
            throw TLSFilesError("http.tls.key \(files.key): not a readable PEM private key (\(error))")
        }
        let configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        do { return try .tls(.http1(), tlsConfiguration: configuration) } catch {
            throw TLSFilesError("http.tls: the certificate and key cannot be served together (\(error))")
        }
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
            router: router, server: server, configuration: .init(address: .hostname(host, port: port), serverName: "edunetd"),
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

/// Why the HTTPS listener's certificate or key cannot be used: the file and what is wrong with it.
public struct TLSFilesError: Error, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) { self.description = description }
}
