import Daemon
import Foundation
import Logging
import Model
import Monitor
import SNMP
import Store
import Testing

/// A folder with the repository's policies and counties and one backbone node: a configuration that validates
/// and polls nothing, so the services can be run in the test process without agents.
struct DaemonFolder {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("edunet-daemon-\(UUID().uuidString)")
    var settings: DaemonConfiguration

    init() throws {
        let inventory = directory.appendingPathComponent("inventory")
        try FileManager.default.createDirectory(at: inventory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.root.appendingPathComponent("policies"), to: directory.appendingPathComponent("policies"))
        try FileManager.default.copyItem(
            at: Self.root.appendingPathComponent("inventory/counties.yaml"), to: inventory.appendingPathComponent("counties.yaml"))
        settings = DaemonConfiguration(
            database: directory.appendingPathComponent("d.sqlite").path, inventory: inventory.path,
            policies: directory.appendingPathComponent("policies").path, pollInterval: .seconds(60), retentionDays: 14)
        try write(node: "agg-xingqing")
    }

    /// The one node file, as a user would edit it.
    func write(node: String, broken: Bool = false) throws {
        let text =
            broken
            ? "nodes:\n  - {id: \(node), name: 兴庆区汇聚, kind: no-such-kind, county: xingqing}\n"
            : "nodes:\n  - {id: \(node), name: 兴庆区汇聚, kind: county-aggregation, county: xingqing}\n"
        try text.write(to: directory.appendingPathComponent("inventory/nodes.yaml"), atomically: true, encoding: .utf8)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

@Suite("Daemon services")
struct DaemonServiceTests {
    let logger = Logger(label: "test")

    @Test func aReloadThatDoesNotValidateKeepsTheLoopInForce() async throws {
        let folder = try DaemonFolder()
        defer { folder.remove() }
        let database = try StoreDatabase(path: folder.settings.database)
        let engine = SNMPEngine()
        let factory = PollingLoopFactory(
            settings: folder.settings, store: MeasurementStore(database: database), engine: engine, logger: logger,
            metrics: .none)
        let (first, city) = try factory.make()
        #expect(city.inventory.nodes.map(\.id) == ["agg-xingqing"])
        let current = CurrentLoop()
        let told = ReloadLog()
        let service = PollingService(
            first: (first, city), factory: factory, current: current, statusStore: DaemonStatusStore(database: database),
            logger: logger
        ) { city in await told.append(city.inventory.nodes.map(\.id)) }
        try folder.write(node: "agg-broken", broken: true)
        #expect(await service.reload() == false)
        #expect(await told.nodes.isEmpty, "a rejected configuration is told to no one")
        try folder.write(node: "agg-xingqing-2")
        #expect(await service.reload() == true)
        #expect(await told.nodes == [["agg-xingqing-2"]])
        #expect(current.loop != nil && current.loop !== first, "the new loop is the one in force")
        current.stop()
        await engine.shutdown()
    }

    @Test func housekeepingRollsUpWhatHasSettledAndPrunesHourly() async throws {
        let folder = try DaemonFolder()
        defer { folder.remove() }
        let database = try StoreDatabase(path: folder.settings.database)
        let store = MeasurementStore(database: database)
        let now = Date(timeIntervalSince1970: 1_796_000_000)
        // A rate 15 days old (past the 14 days' retention) and one a minute a quarter of an hour ago.
        try store.record(
            [
                InterfaceMeasurement(
                    device: "sw", interface: "U1", time: now.addingTimeInterval(-15 * 86_400), inBitsPerSecond: 1,
                    outBitsPerSecond: 1)
            ]
                + (1...10).map {
                    InterfaceMeasurement(
                        device: "sw", interface: "U1", time: now.addingTimeInterval(Double(-900 + 60 * $0)),
                        inBitsPerSecond: 1e6, outBitsPerSecond: 2e6)
                })
        let housekeeping = Housekeeping(
            store: store, statusStore: DaemonStatusStore(database: database), pollInterval: .seconds(60),
            retentionDays: 14, logger: logger)
        var state = Housekeeping.State()
        let first = await housekeeping.step(at: now, loop: nil, fullResolution: nil, state: &state)
        #expect(first.rolledUpThrough == now.addingTimeInterval(-180), "two intervals and a minute back")
        #expect(first.pruned == 1 && state.lastPrune == now && first.rolledUpRatesDeleted == nil, "every interface kept at full resolution")
        #expect(try store.rates(device: "sw", interface: "U1", from: .distantPast, to: now.addingTimeInterval(-86_400)).isEmpty)
        // Spans ending by now − 180 s = …9820 are rolled up, the last ending at …9800; a rate stamped at the end of its
        // interval belongs to the span it ends (…9160 to the one from …8900, …9220–…9460 to …9200, …9520–…9700 to …9500).
        let rollups = try store.rollups(device: "sw", interface: "U1", from: now.addingTimeInterval(-3600), to: now)
        #expect(rollups.map(\.bucketStart.timeIntervalSince1970) == [1_795_998_900, 1_795_999_200, 1_795_999_500])
        #expect(rollups.map(\.intervals) == [1, 5, 4] && rollups.allSatisfy { $0.inMean == 1e6 })
        #expect(
            await housekeeping.step(at: now.addingTimeInterval(3599), loop: nil, fullResolution: nil, state: &state).pruned == nil,
            "not within the hour")
        #expect(await housekeeping.step(at: now.addingTimeInterval(3600), loop: nil, fullResolution: nil, state: &state).pruned == 0)
    }

    @Test func interfacesOffThePlannedLinksKeepFiveMinuteRollUpsOnly() async throws {
        let folder = try DaemonFolder()
        defer { folder.remove() }
        let database = try StoreDatabase(path: folder.settings.database)
        let store = MeasurementStore(database: database)
        let now = Date(timeIntervalSince1970: 1_796_000_000)
        // An uplink and an access port, each measured every minute for the last twenty minutes.
        for port in ["U1", "Gi0/7"] {
            try store.record(
                (0..<20).map {
                    InterfaceMeasurement(
                        device: "sw", interface: port, time: now.addingTimeInterval(Double(-60 * $0)),
                        inBitsPerSecond: 3e6, outBitsPerSecond: 1e6)
                })
        }
        let housekeeping = Housekeeping(
            store: store, statusStore: DaemonStatusStore(database: database), pollInterval: .seconds(60),
            retentionDays: 14, logger: logger)
        var state = Housekeeping.State()
        let keep: Set<LinkEnd> = [LinkEnd(device: "sw", interface: "U1")]
        let outcome = await housekeeping.step(at: now, loop: nil, fullResolution: keep, state: &state)
        // Rolled up through …9800 (now − 180 s, to the five minutes): the access port's 16 rates stamped by then are gone,
        // the four after it (…9820, …9880, …9940 and now) stay until their span is rolled up; the uplink keeps all 20.
        #expect(outcome.rolledUpRatesDeleted == 16 && state.ratesDeletedThrough == Date(timeIntervalSince1970: 1_795_999_800))
        #expect(try store.rates(device: "sw", interface: "Gi0/7", from: .distantPast, to: .distantFuture).count == 4)
        #expect(try store.rates(device: "sw", interface: "U1", from: .distantPast, to: .distantFuture).count == 20)
        let rollups = try store.rollups(device: "sw", interface: "Gi0/7", from: .distantPast, to: now)
        #expect(rollups.map(\.intervals).reduce(0, +) == 16 && rollups.allSatisfy { $0.inMean == 3e6 && $0.outMax == 1e6 })
        #expect(
            await housekeeping.step(at: now.addingTimeInterval(60), loop: nil, fullResolution: keep, state: &state).rolledUpRatesDeleted == nil,
            "nothing newly rolled up a minute later")
    }
}

/// What the reload callback was told.
actor ReloadLog {
    var nodes: [[String]] = []
    func append(_ ids: [String]) { nodes.append(ids) }
}
