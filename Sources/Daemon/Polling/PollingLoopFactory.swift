import Foundation
import Logging
import Model
import Monitor
import SNMP
import Store

/// Builds polling loops from validated configurations, logging which devices cannot be polled and why.
public struct PollingLoopFactory: Sendable {
    public let settings: DaemonConfiguration
    public let store: MeasurementStore
    public let engine: SNMPEngine
    public let logger: Logger
    public let metrics: PollingMetrics

    public init(settings: DaemonConfiguration, store: MeasurementStore, engine: SNMPEngine, logger: Logger, metrics: PollingMetrics) {
        self.settings = settings
        self.store = store
        self.engine = engine
        self.logger = logger
        self.metrics = metrics
    }

    /// A loop for the inventory and policies as they are on disk now (for a reload), and that configuration.
    public func make() throws(ModelError) -> (PollingLoop, CityConfiguration) {
        let city = try ConfigurationLoader.load(inventoryDirectory: settings.inventory, policiesDirectory: settings.policies)
        return (make(city), city)
    }

    public func make(_ city: CityConfiguration) -> PollingLoop {
        let (devices, problems) = PolledDevice.all(
            in: city.inventory, timeout: settings.snmpTimeout, retries: settings.snmpRetries,
            roleIntervals: city.policies.fleet.pollIntervalSeconds)
        for (reason, entries) in Dictionary(grouping: problems, by: \.reason).sorted(by: { $0.key < $1.key }) {
            let names = entries.map(\.device)
            logger.warning(
                "devices not polled",
                metadata: [
                    "count": "\(names.count)", "reason": "\(reason)",
                    "devices": "\(names.prefix(5).joined(separator: ", "))\(names.count > 5 ? ", …" : "")",
                ])
        }
        logger.info(
            "configuration loaded",
            metadata: [
                "schools": "\(city.inventory.schools.count)", "devices": "\(city.inventory.devices.count)", "polled": "\(devices.count)",
                "interval": "\(settings.pollInterval)", "database": "\(settings.database)",
            ])
        return PollingLoop(
            devices: devices, poller: DevicePoller(engine: engine), store: store,
            settings: .init(
                interval: settings.pollInterval, maxDevicesInFlight: settings.maxDevicesInFlight, startedTogether: settings.pollsStartedTogether,
                seed: settings.seed),
            logger: logger, metrics: metrics)
    }
}
