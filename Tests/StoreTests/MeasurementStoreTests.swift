import Foundation
import GRDB
import Model
import Testing

@testable import Store

@Suite("Measurement store: interface rates in batches")
struct MeasurementStoreTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("edunet-rates-\(UUID().uuidString).sqlite").path
    let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    private func cleanUp() {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    private func minute(_ n: Int, _ interface: String = "XGigabitEthernet0/0/1", in inBits: Double? = 1e6, unknown: String? = nil)
        -> InterfaceMeasurement
    {
        InterfaceMeasurement(
            device: "agg-yongning-sw", interface: interface, time: t0.addingTimeInterval(Double(n) * 60),
            inBitsPerSecond: unknown == nil ? inBits : nil, outBitsPerSecond: unknown == nil ? 2e6 : nil, unknownReason: unknown)
    }

    @Test func aBatchIsStoredAndReadBackInTimeOrder() throws {
        defer { cleanUp() }
        let store = MeasurementStore(database: try StoreDatabase(path: path))
        let batch = (0..<1440).reversed().map { minute($0, in: Double($0)) } + [minute(1440, unknown: "agent restarted")]
        try store.record(batch)
        let day = try store.rates(device: "agg-yongning-sw", interface: "XGigabitEthernet0/0/1", from: t0, to: t0.addingTimeInterval(86_400))
        #expect(day.count == 1440)
        #expect(day.map(\.inBitsPerSecond) == (0..<1440).map { Double($0) })
        let last = try store.rates(
            device: "agg-yongning-sw", interface: "XGigabitEthernet0/0/1", from: t0.addingTimeInterval(86_400), to: .distantFuture)
        #expect(last == [minute(1440, unknown: "agent restarted")], "an unknown interval stays unknown, with its reason and no rate")
    }

    @Test func aFailingBatchStoresNothing() throws {
        defer { cleanUp() }
        let store = MeasurementStore(database: try StoreDatabase(path: path))
        try store.record([minute(0)])
        // The third row repeats the first's key: the whole batch is rolled back.
        #expect(throws: StoreError.self) { try store.record([minute(1), minute(2), minute(0)]) }
        let all = try store.rates(device: "agg-yongning-sw", interface: "XGigabitEthernet0/0/1", from: .distantPast, to: .distantFuture)
        #expect(all == [minute(0)])
    }

    @Test func latestPerInterfaceAndRetention() throws {
        defer { cleanUp() }
        let database = try StoreDatabase(path: path)
        let store = MeasurementStore(database: database)
        try store.record([minute(0, "a"), minute(1, "a"), minute(0, "b"), minute(5, "b", in: 7)])
        #expect(try store.latest(device: "agg-yongning-sw").map { "\($0.interface)@\($0.time.timeIntervalSince(t0))" } == ["a@60.0", "b@300.0"])
        #expect(try store.prune(olderThan: t0.addingTimeInterval(60)) == 2)
        #expect(try store.latest(device: "agg-yongning-sw").count == 2)
        // The inventory store works on the same database.
        #expect(throws: StoreError.self) { try InventoryStore(database: database).schools() }
    }
}

@Suite("Five-minute roll-ups")
struct RollupTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("edunet-rollups-\(UUID().uuidString).sqlite").path
    /// A multiple of five minutes.
    let t0 = Date(timeIntervalSince1970: 1_790_000_100)

    @Test func meansMaximaAndCoverageByHand() throws {
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let store = MeasurementStore(database: try StoreDatabase(path: path))
        // One rate a minute (Mbit/s), stamped at the end of its minute; the 7th minute is unknown. Rates are stored
        // to the whole bit per second.
        let rates: [Double?] = [1e6, 2e6, 3e6, 4e6, 5e6, 6e6, nil, 8e6, 9e6, 10_000_000.4]
        try store.record(
            rates.enumerated().map { index, value in
                InterfaceMeasurement(
                    device: "d", interface: "i", time: t0.addingTimeInterval(Double(index + 1) * 60),
                    inBitsPerSecond: value, outBitsPerSecond: value.map { $0 * 10 }, unknownReason: value == nil ? "agent restarted" : nil)
            })
        #expect(try store.rollUp(through: t0.addingTimeInterval(610)) == 2)
        #expect(try store.rollUp(through: t0.addingTimeInterval(610)) == 0, "nothing new to roll up")
        let buckets = try store.rollups(device: "d", interface: "i", from: .distantPast, to: .distantFuture)
        #expect(buckets.map(\.bucketStart) == [t0, t0.addingTimeInterval(300)])
        #expect(
            buckets[0].inMean == 3e6 && buckets[0].inMax == 5e6 && buckets[0].outMax == 50e6 && buckets[0].intervals == 5 && buckets[0].measured == 5)
        #expect(buckets[1].inMean == 8.25e6 && buckets[1].inMax == 10e6 && buckets[1].intervals == 5 && buckets[1].measured == 4)
        #expect(try store.pruneRollups(olderThan: t0.addingTimeInterval(300)) == 1)
    }

    @Test func aRateThatLandsAfterItsSpanWasRolledUpIsMergedIntoIt() throws {
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let store = MeasurementStore(database: try StoreDatabase(path: path))
        func minute(_ n: Int, _ value: Double?) -> InterfaceMeasurement {
            InterfaceMeasurement(
                device: "d", interface: "i", time: t0.addingTimeInterval(Double(n) * 60), inBitsPerSecond: value,
                outBitsPerSecond: value.map { _ in 2e6 }, unknownReason: value == nil ? "polls missed" : nil)
        }
        // Minutes 1–3 of the span [t0, t0 + 5 min) arrive in time, and the spans through t0 + 10 min are rolled up.
        try store.record([minute(1, 1e6), minute(2, 2e6), minute(3, 3e6)])
        try store.rollUp(through: t0.addingTimeInterval(600))
        // Minute 4 lands late, then minute 5 late and unknown, then minute 11 (a span not rolled up yet).
        try store.record([minute(4, 6e6)])
        try store.record([minute(5, nil), minute(11, 9e6)])
        let rollups = try store.rollups(device: "d", interface: "i", from: .distantPast, to: .distantFuture)
        #expect(rollups.map(\.bucketStart) == [t0], "minute 11 waits for its own span to be rolled up")
        let span = try #require(rollups.first)
        #expect(span.intervals == 5 && span.measured == 4, "three in time, one late, one late and unknown")
        #expect(span.inMean == 3e6 && span.inMax == 6e6 && span.outMean == 2e6, "(1 + 2 + 3 + 6) / 4 = 3 Mbit/s")
    }
}

@Suite("Schema upgrade keeps what is stored")
struct SchemaUpgradeTests {
    @Test func ratesAndRollupsStoredByNameSurviveTheMoveToSeriesIDs() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("edunet-upgrade-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        do {
            let pool = try DatabasePool(path: path)
            try Migrations.migrator.migrate(pool, upTo: "v5-access-points-and-hosts")
            try pool.write { db in
                try db.execute(
                    sql: "INSERT INTO interface_rates VALUES ('sw', 'ge1', 1000.5, 1500000.4, 250.6, NULL), ('sw', 'ge1', 1060.5, NULL, NULL, 'gap')")
                try db.execute(sql: "INSERT INTO interface_rollups_5m VALUES ('sw', 'ge1', 900, 1500000.4, 1500000.4, 250.6, 250.6, 2, 1)")
            }
        }
        let store = MeasurementStore(database: try StoreDatabase(path: path))
        let rates = try store.rates(device: "sw", interface: "ge1", from: .distantPast, to: .distantFuture)
        #expect(rates.map(\.time.timeIntervalSince1970) == [1000.5, 1060.5])
        #expect(
            rates[0].inBitsPerSecond == 1_500_000 && rates[0].outBitsPerSecond == 251 && rates[1].unknownReason == "gap"
                && rates[1].inBitsPerSecond == nil)
        let rollups = try store.rollups(device: "sw", interface: "ge1", from: .distantPast, to: .distantFuture)
        #expect(rollups.count == 1 && rollups[0].inMean == 1_500_000 && rollups[0].intervals == 2 && rollups[0].measured == 1)
        #expect(try store.rollUp(through: Date(timeIntervalSince1970: 1200)) == 0, "the watermark moved with the old roll-ups: 900–1200 is done")
    }
}
