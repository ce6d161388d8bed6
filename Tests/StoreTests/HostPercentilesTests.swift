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

    /// A window's whole hours are ranked from each hour's polls packed in one row (`host_hours`), its edges from the
    /// polls: every window must still give the rank of exactly the polls in it, whatever stored or pruned since.
    @Test func hoursPackedInRowsGiveTheRankOfThePollsInAnyWindow() throws {
        defer { cleanUp() }
        let database = try StoreDatabase(path: path)
        let measurements = MeasurementStore(database: database)
        let pool = PoolStore(database: database)
        // Every two minutes for 30 hours, but for three silent hours (10 h to 13 h), loads varying poll to poll.
        var polls: [Int: Int] = [:]
        for s in stride(from: 0, to: 30 * 3600, by: 120) where !(10 * 3600..<13 * 3600).contains(s) {
            try poll(measurements, at: s)
            polls[s] = load(s)
        }
        func check(_ from: Int, _ to: Int, _ comment: Comment) throws {
            let figures = try pool.hostPercentiles(devices: ["srv"], from: t0.addingTimeInterval(Double(from)), to: t0.addingTimeInterval(Double(to)))
            let polled = polls.keys.contains { $0 >= from && $0 < to }
            #expect(figures["srv"] == (polled ? expected(polls, from: from, to: to) : nil), comment)
        }
        // t0 is not on an hour: every window has edges inside hours.
        let windows = [
            (0, 30 * 3600), (1, 29 * 3600 + 7), (5000, 5100), (3600, 7200), (9 * 3600 + 59, 14 * 3600 + 1), (10 * 3600 + 60, 12 * 3600),
            (7 * 3600 + 1234, 25 * 3600 + 4321), (-86_400, 86_400 * 2),
        ]
        for (from, to) in windows { try check(from, to, "window \(from)–\(to) s") }
        let kept = try database.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM host_hours") ?? 0 }
        #expect(kept > 25, "whole hours packed: \(kept)")
        // The same windows again come from the kept hours (and the kept windows), with the same figures.
        for (from, to) in windows { try check(from, to, "again: window \(from)–\(to) s") }
        // A poll stored late into a kept hour, one into a silent hour, one stored again: those hours are ranked again.
        for (s, load) in [(7201, 100), (11 * 3600 + 17, 99), (20 * 3600, 0)] {
            try poll(measurements, at: s, load: load)
            polls[s] = load
        }
        for (from, to) in windows { try check(from, to, "after late polls: window \(from)–\(to) s") }
        // Pruned in the middle of an hour.
        try measurements.prune(olderThan: t0.addingTimeInterval(5 * 3600 + 999))
        polls = polls.filter { $0.key >= 5 * 3600 + 999 }
        for (from, to) in windows { try check(from, to, "after pruning: window \(from)–\(to) s") }
    }

    /// The selection that finds a rank without sorting, against sorting, on the inputs that break such code: one
    /// value, two, all equal, many repeats, sorted runs, reversed.
    @Test func selectionFindsWhatSortingWouldPutAtAnIndex() {
        // Twenty scrambled inputs of 1 to 1,901 loads in eighths of a percent (a multiplicative hash, the same every run).
        let scrambled = (1...20).map { n in (0..<(n * 97 % 1901 + 1)).map { i in Double((i &* 2_654_435_761 &+ n) % 800) / 8 } }
        let inputs: [[Double]] =
            [
                [5], [2, 1], Array(repeating: 3, count: 100), (0..<500).map { Double($0 % 7) }, (0..<300).map { Double($0 % 30) },
                (0..<257).map { Double(257 - $0) },
            ] + scrambled
        for values in inputs {
            let sorted = values.sorted()
            for index in Set([0, values.count - 1, (95 * values.count + 99) / 100 - 1, values.count / 2]) {
                var copy = values
                #expect(HourValues.select(index, in: &copy) == sorted[index], "index \(index) of \(values.count)")
            }
        }
    }
}
