import Foundation
import GRDB
import Model
import Testing

@testable import Store

/// Servers' restarts found at ingest from hrSystemUptime and kept as rows of their own, in a real SQLite file.
@Suite("Hosts' restarts")
struct HostRestartsTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("edunet-restarts-\(UUID().uuidString).sqlite").path
    let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    private func cleanUp() {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    private func poll(_ store: MeasurementStore, _ device: String, at s: Double, uptime: Double?) throws {
        let reading = HostReading(processors: 1, processorLoads: [10], storage: [], uptimeSeconds: uptime)
        try store.record(DeviceObservations(device: device, time: t0.addingTimeInterval(s), rates: [], host: reading))
    }

    @Test func restartsAreFoundWhenTheUptimeFallsBackAndNotWhenItWraps() throws {
        defer { cleanUp() }
        let database = try StoreDatabase(path: path)
        let store = MeasurementStore(database: database)
        let wrap = HostReading.uptimeWrapSeconds
        // srv-a: up 10 days, restarted between the polls at 120 and 180 s (up 20 s at 180), and again before 600 s
        // after the daemon missed five polls.
        for (s, uptime) in [(0.0, 864_000.0), (60, 864_060), (120, 864_120), (180, 20), (240, 80), (600, 7)] {
            try poll(store, "srv-a", at: s, uptime: uptime)
        }
        // srv-b: its TimeTicks passed 2³² hundredths between two polls; srv-c's agent reports no uptime.
        for (s, uptime) in [(0.0, wrap - 30), (60, 30), (120, 90)] { try poll(store, "srv-b", at: s, uptime: uptime) }
        for s in [0.0, 60, 120] { try poll(store, "srv-c", at: s, uptime: nil) }

        let restarts = try store.restarts(devices: ["srv-a", "srv-b", "srv-c", "never-polled"], from: t0, to: t0.addingTimeInterval(3600))
        #expect(restarts == ["srv-a": [t0.addingTimeInterval(160), t0.addingTimeInterval(593)]])
        // The window counts a restart by the poll that found it.
        #expect(try store.restarts(devices: ["srv-a"], from: t0.addingTimeInterval(181), to: t0.addingTimeInterval(600)).isEmpty)
        #expect(try store.latestHost(device: "srv-a")?.uptime == 7)
        #expect(try store.latestHost(device: "srv-c").map { $0.uptime == nil } == true)

        // A poll stored again (the same time) does not count its restart twice; pruning takes restarts with the polls.
        try poll(store, "srv-a", at: 600, uptime: 7)
        #expect(try store.restarts(devices: ["srv-a"], from: t0, to: t0.addingTimeInterval(3600))["srv-a"]?.count == 2)
        try store.prune(olderThan: t0.addingTimeInterval(300))
        #expect(try store.restarts(devices: ["srv-a"], from: t0, to: t0.addingTimeInterval(3600)) == ["srv-a": [t0.addingTimeInterval(593)]])
    }
}
