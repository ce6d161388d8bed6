import DaemonHTTP
import Foundation
import Prometheus
import Testing

@testable import Monitor

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The daemon's HTTP endpoints on a real loopback port: the Prometheus text and the health verdict.
@Suite("/metrics and /healthz")
struct DaemonHTTPTests {
    @Test func metricsAreThePollingFiguresAndAnUnhealthyDaemonAnswers503() async throws {
        let registry = PrometheusCollectorRegistry()
        let metrics = PollingMetrics(factory: PrometheusMetricsFactory(registry: registry))
        metrics.polls.increment(by: 3)
        metrics.failures.increment()
        metrics.cycleSeconds.record(59.5)
        let server = try DaemonHTTPServer(host: "127.0.0.1", port: 0, registry: registry) { (false, "unhealthy: every device is late") }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = server.application { port in continuation.yield(port) }
        let running = Task { try await app.runService(gracefulShutdownSignals: []) }
        defer { running.cancel() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        func get(_ path: String) async throws -> (Int, String) {
            let (data, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)\(path)")!)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
        }
        let (metricsStatus, text) = try await get("/metrics")
        #expect(metricsStatus == 200)
        #expect(
            text.contains("edunet_polls_total 3\n") && text.contains("edunet_poll_failures_total 1\n")
                && text.contains("edunet_poll_cycle_seconds 59.5\n"), "\(text)")
        let (healthStatus, body) = try await get("/healthz")
        #expect(healthStatus == 503 && body == "unhealthy: every device is late\n")
        #expect(server.explain(CancellationError()) == nil)
    }
}
