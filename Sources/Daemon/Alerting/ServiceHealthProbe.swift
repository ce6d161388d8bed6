import AsyncHTTPClient
import Foundation
import Model
import NIOCore
import Store

/// Asks every service replica's health check (the `health` URLs of cloud.yaml) once: an answer of 2xx within the
/// timeout is healthy, anything else is not, with what happened. The answers are stored for the active-active verdict.
public struct ServiceHealthProbe: Sendable {
    public let timeout: TimeInterval

    public init(timeout: TimeInterval) { self.timeout = timeout }

    public func check(_ pool: ComputePool, at now: Date) async -> [PoolStore.HealthCheck] {
        let deadline = TimeAmount.milliseconds(Int64(timeout * 1000))
        return await withTaskGroup(of: PoolStore.HealthCheck.self) { group in
            for service in pool.services {
                for (site, url) in service.health {
                    group.addTask {
                        func answer(_ ok: Bool, _ detail: String) -> PoolStore.HealthCheck {
                            PoolStore.HealthCheck(service: service.id, site: site, checkedAt: now, ok: ok, detail: detail)
                        }
                        do {
                            let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: deadline)
                            let status = Int(response.status.code)
                            return answer((200..<300).contains(status), "HTTP \(status)")
                        } catch {
                            return answer(false, "no answer within \(timeout) s: \(error)")
                        }
                    }
                }
            }
            var checks: [PoolStore.HealthCheck] = []
            for await check in group { checks.append(check) }
            return checks
        }
    }
}
