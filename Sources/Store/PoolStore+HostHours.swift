import Foundation
internal import GRDB

/// The hosts' polls of each whole hour packed in one row (`host_hours`), so that ranking a host's week reads 168 rows
/// and the polls of the window's two partial hours instead of every poll (5,040 rows for a host polled every two
/// minutes). An hour is packed from its polls the first time a window needs it; a poll stored into an hour (late, or
/// again) drops that hour, and pruning drops the hours it reaches, so a kept hour always holds exactly the polls
/// stored for it.
extension PoolStore {
    static let hostHour: Double = 3600

    /// Ranks the polls of `devices` in `[from, to)` and keeps the figures with their window (a host without polls
    /// there too, as none). One host at a time along the primary keys, so that no row carries the device's name back.
    static func rankPercentiles(devices: [String], from: Double, to: Double, _ db: Database) throws -> [String: HostPercentiles] {
        let polls = try db.cachedStatement(sql: "SELECT cpu_load, memory_used FROM host_samples WHERE device = ? AND time >= ? AND time < ?")
        let hours = try db.cachedStatement(
            sql: "SELECT hour, samples, cpu, memory FROM host_hours WHERE device = ? AND hour >= ? AND hour < ? ORDER BY hour")
        let keepHour = try db.cachedStatement(sql: "INSERT OR REPLACE INTO host_hours (device, hour, samples, cpu, memory) VALUES (?, ?, ?, ?, ?)")
        let keep = try db.cachedStatement(
            sql: "INSERT OR REPLACE INTO host_percentiles (device, window_from, window_to, samples, cpu, memory) VALUES (?, ?, ?, ?, ?, ?)")
        // The window's whole hours; none when it lies within two hours.
        let firstHour = (from / hostHour).rounded(.up) * hostHour
        let endHour = max(firstHour, (to / hostHour).rounded(.down) * hostHour)
        var result: [String: HostPercentiles] = [:]
        var window = HourValues()
        var hour = HourValues()
        for device in devices {
            window.removeAll()
            guard firstHour < endHour else {
                try window.read(polls, device: device, from: from, to: to)
                result[device] = try window.keep(keep, device: device, from: from, to: to)
                continue
            }
            try window.read(polls, device: device, from: from, to: firstHour)
            try window.read(polls, device: device, from: endHour, to: to)
            // The kept hours in order; those missing packed from their polls and kept.
            var next = firstHour
            func packMissing(until end: Double) throws {
                while next < end {
                    hour.removeAll()
                    try hour.read(polls, device: device, from: next, to: next + hostHour)
                    try keepHour.execute(arguments: [device, next, hour.samples, HourValues.blob(hour.cpu), HourValues.blob(hour.memory)])
                    window.append(hour)
                    next += hostHour
                }
            }
            let kept = try Row.fetchCursor(hours, arguments: [device, firstHour, endHour])
            while let row = try kept.next() {
                let start: Double = row[0]
                try packMissing(until: start)
                window.samples += row[1]
                try HourValues.append(row, column: 2, to: &window.cpu)
                try HourValues.append(row, column: 3, to: &window.memory)
                next = start + hostHour
            }
            try packMissing(until: endHour)
            result[device] = try window.keep(keep, device: device, from: from, to: to)
        }
        return result
    }

    /// Drops what a poll stored now changes: kept percentiles whose window holds it, and its hour packed.
    static func forgetPercentiles(device: String, at time: Double, _ db: Database) throws {
        try db.execute(sql: "DELETE FROM host_percentiles WHERE device = ? AND window_from <= ? AND window_to > ?", arguments: [device, time, time])
        try db.execute(
            sql: "DELETE FROM host_hours WHERE device = ? AND hour = ?", arguments: [device, (time / hostHour).rounded(.down) * hostHour])
    }
}

/// The polls of a host over a span: how many, and their processor loads and memory in use (bytes, exact in a Double
/// up to 8 PiB) where reported.
struct HourValues {
    var samples = 0
    var cpu: [Double] = []
    var memory: [Double] = []

    mutating func removeAll() {
        samples = 0
        cpu.removeAll(keepingCapacity: true)
        memory.removeAll(keepingCapacity: true)
    }

    mutating func read(_ polls: Statement, device: String, from: Double, to: Double) throws {
        let rows = try Row.fetchCursor(polls, arguments: [device, from, to])
        while let row = try rows.next() {
            samples += 1
            if let load: Double = row[0] { cpu.append(load) }
            if let used: Int64 = row[1] { memory.append(Double(used)) }
        }
    }

    mutating func append(_ other: HourValues) {
        samples += other.samples
        cpu += other.cpu
        memory += other.memory
    }

    /// The nearest-rank p95 (the value at rank ⌈0.95 n⌉) of each, kept with the window.
    mutating func keep(_ statement: Statement, device: String, from: Double, to: Double) throws -> PoolStore.HostPercentiles {
        func p95(_ values: inout [Double]) -> Double? {
            values.isEmpty ? nil : Self.select((95 * values.count + 99) / 100 - 1, in: &values)
        }
        let figures = PoolStore.HostPercentiles(samples: samples, cpu: p95(&cpu), memory: p95(&memory))
        try statement.execute(arguments: [device, from, to, figures.samples, figures.cpu, figures.memory.map { Int64($0) }])
        return figures
    }

    /// The value that would be at `index` were `values` sorted (Hoare's selection with a median-of-three pivot: linear
    /// on the average where sorting 5,040 loads twice a host was the ranking's largest cost); reorders `values`.
    static func select(_ index: Int, in values: inout [Double]) -> Double {
        var (low, high) = (0, values.count - 1)
        while low < high {
            let middle = (low + high) / 2
            let pivot = max(min(values[low], values[middle]), min(max(values[low], values[middle]), values[high]))
            var (i, j) = (low, high)
            while i <= j {
                while values[i] < pivot { i += 1 }
                while values[j] > pivot { j -= 1 }
                if i <= j {
                    values.swapAt(i, j)
                    (i, j) = (i + 1, j - 1)
                }
            }
            if index <= j {
                high = j
            } else if index >= i {
                low = i
            } else {
                break
            }
        }
        return values[index]
    }

    /// Values as a blob of little-endian IEEE 754 doubles.
    static func blob(_ values: [Double]) -> Data {
        values.map { $0.bitPattern.littleEndian }.withUnsafeBytes { Data($0) }
    }

    /// Appends a blob's values, copied in one move (no copy of the blob itself).
    static func append(_ row: Row, column: Int, to values: inout [Double]) throws {
        try row.withUnsafeData(atIndex: column) { blob in
            guard let blob, blob.count >= 8 else { return }
            let (start, count) = (values.count, blob.count / 8)
            values.append(contentsOf: repeatElement(0, count: count))
            values.withUnsafeMutableBytes { target in
                blob.withUnsafeBytes { source in
                    target.baseAddress!.advanced(by: start * 8).copyMemory(from: source.baseAddress!, byteCount: count * 8)
                }
            }
            #if _endian(big)
                for i in start..<values.count { values[i] = Double(bitPattern: UInt64(littleEndian: values[i].bitPattern)) }
            #endif
        }
    }
}
