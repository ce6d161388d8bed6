import Alerting
import Foundation
import Logging
import Model
import SNMP
import ServiceLifecycle
import Store

/// Runs alerting beside polling: the sources and the engine's steps, the delivery worker, and the trap listener,
/// until a graceful shutdown. Whatever is pending stays in the outbox for the next start.
public final class AlertingService: Service, Sendable {
    let monitor: AlertMonitor
    let worker: DeliveryWorker
    let listener: SNMPTrapListener?
    let metrics: TrapMetrics
    let settings: DaemonConfiguration
    let logger: Logger

    public init(
        monitor: AlertMonitor, worker: DeliveryWorker, listener: SNMPTrapListener?, metrics: TrapMetrics, settings: DaemonConfiguration,
        logger: Logger
    ) {
        self.monitor = monitor
        self.worker = worker
        self.listener = listener
        self.metrics = metrics
        self.settings = settings
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown { [self] in
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.monitor.run(tick: self.settings.alertTick, evaluateEvery: self.settings.alertEvaluation) }
                group.addTask { await self.worker.run() }
                if let listener {
                    group.addTask {
                        for await trap in listener.traps {
                            do throws(StoreError) { try await self.monitor.handle(trap, at: Date()) } catch {
                                self.logger.error("trap not recorded", metadata: ["source": "\(trap.source)", "error": "\(error.message)"])
                            }
                        }
                    }
                    group.addTask { await self.watchDrops(of: listener) }
                }
            }
        }
        await listener?.stop()
    }

    /// Every 10 s: the listener's drops to /metrics, and a warning when traps were dropped for their community or
    /// their SNMPv3 security (a wrong key, an unknown user, below the user's level).
    private func watchDrops(of listener: SNMPTrapListener) async {
        var last = SNMPTrapListener.Counts()
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(10))
            let counts = listener.counts
            metrics.record(counts)
            for (what, now, before) in [
                ("traps with another community dropped", counts.rejectedCommunity, last.rejectedCommunity),
                ("SNMPv3 traps that failed authentication or decryption dropped", counts.rejectedUSM, last.rejectedUSM),
                ("SNMPv3 traps below their user's security level dropped", counts.rejectedSecurityLevel, last.rejectedSecurityLevel),
            ] where now > before {
                logger.warning("\(what)", metadata: ["since_last": "\(now - before)", "total": "\(now)"])
            }
            last = counts
        }
    }
}
