import Foundation
internal import GRDB
import Model

/// An access point as last seen by its controller, with how much of a window it was up.
public struct AccessPointStatus: Sendable, Hashable {
    public var controller: String
    public var reading: AccessPointReading
    public var seenAt: Date
    /// Polls in the window that found the AP up, and polls that said anything about its state.
    public var upSamples: Int
    public var stateSamples: Int

    public init(controller: String, reading: AccessPointReading, seenAt: Date, upSamples: Int, stateSamples: Int) {
        self.controller = controller
        self.reading = reading
        self.seenAt = seenAt
        self.upSamples = upSamples
        self.stateSamples = stateSamples
    }
}

extension MeasurementStore {
    /// Every AP each controller reported, newest reading first per AP, with its up-samples since `since`.
    public func accessPoints(since: Date) throws(StoreError) -> [AccessPointStatus] {
        try database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT s.*, w.up_samples, w.state_samples FROM access_point_samples s
                    JOIN (SELECT controller, ap_index, MAX(time) AS time, SUM(up = 1) AS up_samples, COUNT(up) AS state_samples
                          FROM access_point_samples WHERE time >= ? GROUP BY controller, ap_index) w
                      ON s.controller = w.controller AND s.ap_index = w.ap_index AND s.time = w.time
                    ORDER BY s.controller, s.name
                    """, arguments: [since.timeIntervalSince1970]
            ).map { row in
                AccessPointStatus(
                    controller: row["controller"],
                    reading: AccessPointReading(
                        index: row["ap_index"], name: row["name"], up: row["up"], state: row["state"], clients: row["clients"],
                        radios: row["radios"], radiosUp: row["radios_up"], uplinkMbps: row["uplink_mbps"],
                        maxRateMbps: row["max_rate_mbps"], clientRateMbps: row["client_rate_mbps"]),
                    seenAt: Date(timeIntervalSince1970: row["time"]), upSamples: row["up_samples"] ?? 0, stateSamples: row["state_samples"] ?? 0)
            }
        }
    }

    /// A server's processor and storage figures of one poll, its uptime then (seconds), and when it was polled.
    public typealias LatestHost = (
        time: Date, cpuLoad: Double?, memory: (used: Int64, size: Int64)?, disk: (used: Int64, size: Int64)?, uptime: Double?
    )

    /// The newest figures of a server, when it has been polled at or before `notAfter`.
    public func latestHost(device: String, notAfter: Date = .distantFuture) throws(StoreError) -> LatestHost? {
        try latestHosts(devices: [device], notAfter: notAfter)[device]
    }

    /// The newest figures of each of `devices` that has been polled at or before `notAfter`, in one read (a pool's
    /// hundreds of hosts are read at every allocation request).
    public func latestHosts(devices: [String], notAfter: Date = .distantFuture) throws(StoreError) -> [String: LatestHost] {
        try database.read { db in
            let statement = try db.cachedStatement(
                sql: """
                    SELECT time, cpu_load, memory_used, memory_size, disk_used, disk_size, uptime FROM host_samples
                    WHERE device = ? AND time <= ? ORDER BY time DESC LIMIT 1
                    """)
            var latest: [String: LatestHost] = [:]
            for device in devices {
                guard let row = try Row.fetchOne(statement, arguments: [device, notAfter.timeIntervalSince1970]) else { continue }
                func pair(_ used: Int, _ size: Int) -> (used: Int64, size: Int64)? {
                    guard let u: Int64 = row[used], let s: Int64 = row[size] else { return nil }
                    return (u, s)
                }
                latest[device] = (Date(timeIntervalSince1970: row[0]), row[1], pair(2, 3), pair(4, 5), row[6])
            }
            return latest
        }
    }

    /// The restarts the polls of `devices` found in `[from, to)`: when each host was booted, oldest first.
    public func restarts(devices: [String], from: Date, to: Date) throws(StoreError) -> [String: [Date]] {
        try database.read { db in
            let statement = try db.cachedStatement(
                sql: "SELECT booted_at FROM host_restarts WHERE device = ? AND time >= ? AND time < ? ORDER BY time")
            var restarts: [String: [Date]] = [:]
            for device in devices {
                let booted = try Double.fetchAll(statement, arguments: [device, from.timeIntervalSince1970, to.timeIntervalSince1970])
                if !booted.isEmpty { restarts[device] = booted.map(Date.init(timeIntervalSince1970:)) }
            }
            return restarts
        }
    }
}

extension MeasurementStore {
    /// The interfaces of a device as its polls last found them, by name, and since when they are so; nil when the
    /// device was never polled.
    public func interfaces(device: String) throws(StoreError) -> (seenAt: Date, interfaces: [String: InterfaceStatus])? {
        try database.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT seen_at, status FROM interface_status WHERE device = ?", arguments: [device])
            guard let first = rows.first else { return nil }
            let decoder = JSONDecoder()
            let statuses = try rows.map { try decoder.decode(InterfaceStatus.self, from: $0["status"] as Data) }
            return (
                Date(timeIntervalSince1970: first["seen_at"]), Dictionary(statuses.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
            )
        }
    }
}

extension MeasurementStore {
    /// Every polled device's interfaces by device and name, in one query (a report reads them all).
    public func allInterfaces() throws(StoreError) -> [String: [String: InterfaceStatus]] {
        var states = InterfaceStates()
        try update(&states)
        return states.byDevice
    }

    /// Every polled device's interfaces, kept by a reader that asks for them again and again (the daemon's alert
    /// sources, at every evaluation): `update(_:)` decodes only the devices whose interfaces were written since.
    public struct InterfaceStates: Sendable {
        /// By device, then interface name.
        public fileprivate(set) var byDevice: [String: [String: InterfaceStatus]] = [:]
        /// When each device's interfaces were written: a poll that changes them rewrites every row of the device with
        /// its own time.
        fileprivate var seenAt: [String: Double] = [:]

        public init() {}
    }

    /// Brings `states` up to what is stored: the devices whose interfaces were written since (their time differs)
    /// are read and decoded again, and those no longer stored are dropped. The times come from an index, so a city
    /// whose interfaces did not change costs one index scan instead of decoding 245,000 JSON rows.
    public func update(_ states: inout InterfaceStates) throws(StoreError) {
        states = try database.read { [states] db in
            var updated = states
            var stored: [String: Double] = [:]
            let times = try Row.fetchCursor(db.cachedStatement(sql: "SELECT device, MAX(seen_at) FROM interface_status GROUP BY device"))
            while let row = try times.next() { stored[row[0]] = row[1] }
            let decoder = JSONDecoder()
            let statuses = try db.cachedStatement(sql: "SELECT status FROM interface_status WHERE device = ?")
            for (device, time) in stored where updated.seenAt[device] != time {
                var interfaces: [String: InterfaceStatus] = [:]
                let blobs = try Data.fetchCursor(statuses, arguments: [device])
                while let blob = try blobs.next() {
                    let status = try decoder.decode(InterfaceStatus.self, from: blob)
                    interfaces[status.name] = status
                }
                updated.byDevice[device] = interfaces
                updated.seenAt[device] = time
            }
            for device in updated.seenAt.keys where stored[device] == nil {
                updated.byDevice[device] = nil
                updated.seenAt[device] = nil
            }
            return updated
        }
    }
}
