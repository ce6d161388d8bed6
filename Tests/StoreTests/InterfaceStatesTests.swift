import Foundation
import GRDB
import Model
import Testing

@testable import Store

/// The alert sources' copy of every device's interfaces, read again only for the devices written since.
@Suite("Interface states read again only where they changed")
struct InterfaceStatesTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("edunet-states-\(UUID().uuidString).sqlite").path
    let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    private func cleanUp() {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    private func poll(_ store: MeasurementStore, _ device: String, at s: Double, up: [Bool]) throws {
        let interfaces = up.enumerated().map { i, up in
            InterfaceStatus(name: "ge-0/0/\(i)", index: UInt32(i + 1), alias: nil, speedBitsPerSecond: 1_000_000_000, adminUp: true, operUp: up)
        }
        try store.record(DeviceObservations(device: device, time: t0.addingTimeInterval(s), rates: [], interfaces: interfaces))
    }

    @Test func onlyDevicesWrittenSinceAreDecodedAgainAndRemovedOnesDropped() throws {
        defer { cleanUp() }
        let database = try StoreDatabase(path: path)
        let store = MeasurementStore(database: database)
        try poll(store, "sw-a", at: 0, up: [true, true])
        try poll(store, "sw-b", at: 0, up: [true, false, true])
        var states = MeasurementStore.InterfaceStates()
        try store.update(&states)
        #expect(states.byDevice == (try store.allInterfaces()))
        #expect(states.byDevice["sw-b"]?["ge-0/0/1"]?.operUp == false && states.byDevice["sw-a"]?.count == 2)

        // sw-a's rows are made unreadable behind the store's back: an update that decoded them again would throw.
        try database.pool.write { try $0.execute(sql: "UPDATE interface_status SET status = x'7b' WHERE device = 'sw-a'") }
        try poll(store, "sw-b", at: 60, up: [true, true, true])
        try store.update(&states)
        #expect(states.byDevice["sw-b"]?["ge-0/0/1"]?.operUp == true, "sw-b was written since: read again")
        #expect(states.byDevice["sw-a"]?.count == 2, "sw-a was not: kept as read")

        // A device written again is read again, even one whose rows were broken; one whose rows are gone is dropped.
        try poll(store, "sw-a", at: 120, up: [false])
        try database.pool.write { try $0.execute(sql: "DELETE FROM interface_status WHERE device = 'sw-b'") }
        try store.update(&states)
        #expect(states.byDevice == (try store.allInterfaces()))
        #expect(states.byDevice.keys.sorted() == ["sw-a"] && states.byDevice["sw-a"]?["ge-0/0/0"]?.operUp == false)
    }

    @Test func theTimesComeFromTheIndexAlone() throws {
        defer { cleanUp() }
        let database = try StoreDatabase(path: path)
        let plan = try database.pool.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT device, MAX(seen_at) FROM interface_status GROUP BY device").map {
                $0["detail"] as String
            }
        }
        #expect(plan.contains { $0.contains("COVERING INDEX interface_status_seen") }, "\(plan)")
    }
}
