import Foundation
import GRDB
import Model
import Testing

@testable import Store

/// The servers' p95 use kept between requests: reused only while it is what ranking the polls again would give.
@Suite("Hosts' percentiles, kept while exact")
struct HostPercentilesTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("edunet-percentiles-\(UUID().uuidString).sqlite").path
    let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    private func cleanUp() {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    /// The poll at second `s`: a processor load and memory in use (GiB) that vary from poll to poll.
    private func load(_ s: Int) -> Int { (s / 60 * 37) % 100 }
    private func memoryGiB(_ s: Int) -> UInt64 { UInt64(100 + (s / 60 * 13) % 50) }

    private func poll(_ store: MeasurementStore, at s: Int, load: Int? = nil) throws {
        let reading = HostReading(
            processors: 1, processorLoads: [load ?? self.load(s)],
            storage: [.init(description: "Physical memory", kind: .memory, sizeBytes: 256 << 30, usedBytes: memoryGiB(s) << 30)])
        try store.record(DeviceObservations(device: "srv", time: t0.addingTimeInterval(Double(s)), rates: [], host: reading))
    }

    /// The nearest-rank p95 of the polls at `seconds` that fall in `[from, to)`, worked out here from what was polled.
    private func expected(_ polls: [Int: Int], from: Int, to: Int) -> PoolStore.HostPercentiles {
        let inWindow = polls.keys.filter { $0 >= from && $0 < to }
        let cpu = inWindow.map { Double(polls[$0]!) }.sorted()
        let memory = inWindow.map { Double(memoryGiB($0) << 30) }.sorted()
        let rank = (95 * inWindow.count + 99) / 100 - 1
        return .init(samples: inWindow.count, cpu: cpu[rank], memory: memory[rank])
    }

    @Test func keptFiguresAreReusedOnlyWhileNoPollEntersOrLeavesTheWindow() throws {
        defer { cleanUp() }
        let database = try StoreDatabase(path: path)
        let measurements = MeasurementStore(database: database)
        let pool = PoolStore(database: database)
        var polls: [Int: Int] = [:]
        for s in stride(from: 0, to: 6000, by: 60) {
            try poll(measurements, at: s)
            polls[s] = load(s)
        }
        func figures(_ from: Int, _ to: Int) throws -> PoolStore.HostPercentiles? {
            try pool.hostPercentiles(
                devices: ["srv", "never-polled"], from: t0.addingTimeInterval(Double(from)), to: t0.addingTimeInterval(Double(to)))[
                    "srv"]
        }
        /// Marks the kept figures so that a reuse shows: ranking again would never give a load of 999 %.
        func mark() throws { try database.pool.write { try $0.execute(sql: "UPDATE host_percentiles SET cpu = 999") } }

        #expect(try figures(10, 3010) == expected(polls, from: 10, to: 3010))
        #expect(try pool.hostPercentiles(devices: ["never-polled"], from: t0, to: t0.addingTimeInterval(6000)).isEmpty)
        try mark()
        // The window moved, but no poll lies where the two differ: the kept figures are still exact.
        #expect(try figures(20, 3020)?.cpu == 999)
        // A poll left the window's start and another entered its end: ranked again.
        #expect(try figures(70, 3070) == expected(polls, from: 70, to: 3070))
        try mark()
        #expect(try figures(70, 3070)?.cpu == 999)
        // A poll stored late inside the kept window, and one stored again with another load.
        try poll(measurements, at: 90, load: 100)
        polls[90] = 100
        #expect(try figures(70, 3070) == expected(polls, from: 70, to: 3070))
        try mark()
        try poll(measurements, at: 3000, load: 100)
        polls[3000] = 100
        #expect(try figures(70, 3070) == expected(polls, from: 70, to: 3070))
        // Polls pruned from a kept window.
        try mark()
        try measurements.prune(olderThan: t0.addingTimeInterval(600))
        polls = polls.filter { $0.key >= 600 }
        #expect(try figures(70, 3070) == expected(polls, from: 70, to: 3070))
    }
}
