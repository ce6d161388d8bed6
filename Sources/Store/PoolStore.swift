import Foundation
internal import GRDB
import Model

/// The education cloud's allocations with their append-only history, the daily storage sums its trends are fitted
/// from, and the last answer of each replica's health check.
public struct PoolStore: Sendable {
    public let database: StoreDatabase

    public init(database: StoreDatabase) { self.database = database }

    /// An allocation: what a tenant holds in a site, for a service or a VM of its own.
    public struct Allocation: Sendable, Hashable, Codable, Identifiable {
        public var id: Int64
        public var tenant: String
        /// The VM or workload's name.
        public var name: String
        public var service: String?
        public var site: String
        public var resources: Resources
        /// Accepted past a refusal of admission control (`--force`).
        public var forced: Bool
        public var createdAt: Date
        public var releasedAt: Date?
    }

    /// What admission control accepted, to be stored.
    public struct NewAllocation: Sendable, Hashable {
        public var tenant: String
        public var name: String
        public var service: String?
        public var site: String
        public var resources: Resources
        public var forced: Bool
        /// When forced: the refusal it was forced past, kept in the history.
        public var verdict: String?

        public init(tenant: String, name: String, service: String?, site: String, resources: Resources, forced: Bool, verdict: String?) {
            self.tenant = tenant
            self.name = name
            self.service = service
            self.site = site
            self.resources = resources
            self.forced = forced
            self.verdict = verdict
        }
    }

    /// One row of the history.
    public struct Change: Sendable, Hashable, Codable {
        public var at: Date
        public var allocation: Int64
        public var action: String
        public var forced: Bool
        public var by: String
        public var why: String
        public var verdict: String?
    }

    /// The columns `allocation(_:)` reads, in its order (by position: thousands of allocations are read per request).
    private static let allocationColumns = "id, tenant, name, service, site, vcpus, memory, storage, forced, created_at, released_at"

    private static func allocation(_ row: Row) -> Allocation {
        Allocation(
            id: row[0], tenant: row[1], name: row[2], service: row[3], site: row[4],
            resources: Resources(vcpus: row[5], memory: ByteSize(bytes: UInt64(row[6] as Int64)), storage: ByteSize(bytes: UInt64(row[7] as Int64))),
            forced: row[8], createdAt: Date(timeIntervalSince1970: row[9]), releasedAt: (row[10] as Double?).map(Date.init(timeIntervalSince1970:)))
    }

    /// The allocations held now (and, with `released`, those given back; with `forcedOnly`, only those forced past
    /// admission control), oldest first.
    public func allocations(released: Bool = false, forcedOnly: Bool = false) throws(StoreError) -> [Allocation] {
        let conditions: [String] = (released ? [] : ["released_at IS NULL"]) + (forcedOnly ? ["forced"] : [])
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try database.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.allocationColumns) FROM pool_allocations \(filter) ORDER BY id").map(Self.allocation)
        }
    }

    /// What the allocations held now reserve, by site.
    public func held() throws(StoreError) -> [String: Resources] {
        try database.read { try Self.held($0) }
    }

    private static func held(_ db: Database) throws -> [String: Resources] {
        var held: [String: Resources] = [:]
        for row in try Row.fetchAll(
            db, sql: "SELECT site, SUM(vcpus), SUM(memory), SUM(storage) FROM pool_allocations WHERE released_at IS NULL GROUP BY site")
        {
            held[row[0]] = Resources(
                vcpus: row[1], memory: ByteSize(bytes: UInt64(row[2] as Int64)), storage: ByteSize(bytes: UInt64(row[3] as Int64)))
        }
        return held
    }

    /// Asks `admit` with what the allocations held now reserve, by site, and stores what it accepts, in one
    /// transaction: two requests at once cannot both be admitted against the same free capacity. Nil when `admit`
    /// refused (nothing is written).
    public func allocate(at: Date, by: String, why: String, admit: ([String: Resources]) -> NewAllocation?) throws(StoreError) -> Allocation? {
        try database.write("the allocation") { db in
            guard let new = admit(try Self.held(db)) else { return nil }
            try db.execute(
                sql: """
                    INSERT INTO pool_allocations (tenant, name, service, site, vcpus, memory, storage, forced, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    new.tenant, new.name, new.service, new.site, new.resources.vcpus, Int64(clamping: new.resources.memory.bytes),
                    Int64(clamping: new.resources.storage.bytes), new.forced, at.timeIntervalSince1970,
                ])
            let id = db.lastInsertedRowID
            try Self.append(db, at: at, allocation: id, action: "allocate", forced: new.forced, by: by, why: why, verdict: new.verdict)
            return Allocation(
                id: id, tenant: new.tenant, name: new.name, service: new.service, site: new.site, resources: new.resources, forced: new.forced,
                createdAt: at, releasedAt: nil)
        }
    }

    /// Gives an allocation back; notFound when there is no such allocation held.
    public func release(_ id: Int64, at: Date, by: String, why: String) throws(StoreError) -> Allocation {
        let released = try database.write("the release") { db -> Allocation? in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT \(Self.allocationColumns) FROM pool_allocations WHERE id = ? AND released_at IS NULL", arguments: [id])
            else {
                return nil
            }
            try db.execute(sql: "UPDATE pool_allocations SET released_at = ? WHERE id = ?", arguments: [at.timeIntervalSince1970, id])
            try Self.append(db, at: at, allocation: id, action: "release", forced: false, by: by, why: why, verdict: nil)
            var allocation = Self.allocation(row)
            allocation.releasedAt = at
            return allocation
        }
        guard let released else {
            throw StoreError(.notFound, "no allocation \(id) is held: `edunet pool allocations` lists them (released ones with --released)")
        }
        return released
    }

    private static func append(
        _ db: Database, at: Date, allocation: Int64, action: String, forced: Bool, by: String, why: String, verdict: String?
    ) throws {
        try db.execute(
            sql: "INSERT INTO pool_history (at, allocation, action, forced, by, why, verdict) VALUES (?, ?, ?, ?, ?, ?, ?)",
            arguments: [at.timeIntervalSince1970, allocation, action, forced, by, why, verdict])
    }

    /// The history, newest first.
    public func history(limit: Int = 1000) throws(StoreError) -> [Change] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM pool_history ORDER BY seq DESC LIMIT ?", arguments: [limit]).map { row in
                Change(
                    at: Date(timeIntervalSince1970: row["at"]), allocation: row["allocation"], action: row["action"], forced: row["forced"],
                    by: row["by"], why: row["why"], verdict: row["verdict"])
            }
        }
    }
}

extension PoolStore {
    /// A file system's use over the days asked for, as least-squares sums with times in seconds from `origin`.
    public struct StorageSeries: Sendable, Hashable {
        public var device: String
        public var storage: String
        public var origin: Date
        public var samples: Int
        public var sumT = 0.0, sumU = 0.0, sumTT = 0.0, sumTU = 0.0
        public var first: Date
        public var last: Date
        public var lastUsed: UInt64
        public var size: UInt64
        /// The agent reports the file system at the Integer32 cap (its size is not known).
        public var capped: Bool
    }

    /// Adds one poll's file systems to their day's sums (inside the poll's transaction); a capped one is kept with a
    /// size of −1, so that its trend says why it is unknown.
    static func recordStorage(_ entries: [HostReading.Storage], device: String, at time: Double, _ db: Database) throws {
        guard !entries.isEmpty else { return }
        let day = (time / 86_400).rounded(.down) * 86_400
        let t = time - day
        let statement = try db.makeStatement(
            sql: """
                INSERT INTO host_storage_days (device, storage, day, n, sum_t, sum_u, sum_tt, sum_tu, size, first_time, last_time, last_used)
                VALUES (?1, ?2, ?3, 1, ?4, ?5, ?4 * ?4, ?4 * ?5, ?6, ?7, ?7, ?8)
                ON CONFLICT (device, storage, day) DO UPDATE SET n = n + 1, sum_t = sum_t + ?4, sum_u = sum_u + ?5, sum_tt = sum_tt + ?4 * ?4,
                    sum_tu = sum_tu + ?4 * ?5, size = ?6, last_time = ?7, last_used = ?8
                """)
        for entry in entries {
            try statement.execute(arguments: [
                device, entry.description, day, t, Double(entry.usedBytes), entry.capped ? -1 : Int64(clamping: entry.sizeBytes), time,
                Int64(clamping: entry.usedBytes),
            ])
        }
    }

    /// Each file system's sums over the days from `since`, of the devices given, shifted to one origin per series.
    public func storageSeries(devices: [String], since: Date) throws(StoreError) -> [StorageSeries] {
        guard !devices.isEmpty else { return [] }
        return try database.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM host_storage_days WHERE day >= ? AND device IN (\(devices.map { _ in "?" }.joined(separator: ",")))
                    ORDER BY device, storage, day
                    """,
                arguments: StatementArguments([(since.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400] + devices))
            var series: [StorageSeries] = []
            for row in rows {
                let device: String = row["device"]
                let storage: String = row["storage"]
                let day: Double = row["day"]
                let n: Int = row["n"]
                let sumT: Double = row["sum_t"]
                let sumU: Double = row["sum_u"]
                let sumTT: Double = row["sum_tt"]
                let sumTU: Double = row["sum_tu"]
                if series.last?.device != device || series.last?.storage != storage {
                    series.append(
                        StorageSeries(
                            device: device, storage: storage, origin: Date(timeIntervalSince1970: day), samples: 0,
                            first: Date(timeIntervalSince1970: row["first_time"]), last: Date(timeIntervalSince1970: row["first_time"]), lastUsed: 0,
                            size: 0, capped: false))
                }
                // Σ(t+c) = Σt + nc, Σ(t+c)² = Σt² + 2cΣt + nc², Σ(t+c)u = Σtu + cΣu, with c this day's offset from the origin.
                let c = day - series[series.count - 1].origin.timeIntervalSince1970
                series[series.count - 1].samples += n
                series[series.count - 1].sumT += sumT + Double(n) * c
                series[series.count - 1].sumU += sumU
                series[series.count - 1].sumTT += sumTT + 2 * c * sumT + Double(n) * c * c
                series[series.count - 1].sumTU += sumTU + c * sumU
                series[series.count - 1].last = Date(timeIntervalSince1970: row["last_time"])
                series[series.count - 1].lastUsed = UInt64(max(0, row["last_used"] as Int64))
                let size: Int64 = row["size"]
                series[series.count - 1].size = UInt64(max(0, size))
                if size < 0 { series[series.count - 1].capped = true }
            }
            return series
        }
    }
}

extension PoolStore {
    /// The last answer of one replica's health check.
    public struct HealthCheck: Sendable, Hashable {
        public var service: String
        public var site: String
        public var checkedAt: Date
        public var ok: Bool
        public var detail: String

        public init(service: String, site: String, checkedAt: Date, ok: Bool, detail: String) {
            self.service = service
            self.site = site
            self.checkedAt = checkedAt
            self.ok = ok
            self.detail = detail
        }
    }

    public func record(_ checks: [HealthCheck]) throws(StoreError) {
        try database.write("the health checks") { db in
            for check in checks {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO service_health (service, site, checked_at, ok, detail) VALUES (?, ?, ?, ?, ?)",
                    arguments: [check.service, check.site, check.checkedAt.timeIntervalSince1970, check.ok, check.detail])
            }
        }
    }

    /// The last health check of each replica, by service and site.
    public func healthChecks() throws(StoreError) -> [String: [String: HealthCheck]] {
        try database.read { db in
            var result: [String: [String: HealthCheck]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM service_health") {
                let check = HealthCheck(
                    service: row["service"], site: row["site"], checkedAt: Date(timeIntervalSince1970: row["checked_at"]), ok: row["ok"],
                    detail: row["detail"])
                result[check.service, default: [:]][check.site] = check
            }
            return result
        }
    }

    /// One host's polls over a window: how many, and the 95th percentile (nearest rank) of its processor load (%)
    /// and of its memory in use (bytes), nil where it reported none.
    public struct HostPercentiles: Sendable, Hashable {
        public var samples: Int
        public var cpu: Double?
        public var memory: Double?

        public init(samples: Int, cpu: Double?, memory: Double?) {
            self.samples = samples
            self.cpu = cpu
            self.memory = memory
        }
    }

    /// Each host's p95 over `[from, to)`. A week of 500 hosts' polls every two minutes is 2.5 million rows, too many to
    /// read at every allocation request, so each host's figures are kept with the window they were worked out over
    /// (`host_percentiles`) and reused while they are exact: while no poll of the host lies where the two windows
    /// differ (none arrived since, none left the window's start). Polls stored inside a kept window, and pruning,
    /// drop the figures they touch. Only the hosts whose figures are not exact are ranked again, from their whole
    /// hours packed one row an hour (PoolStore+HostHours.swift).
    public func hostPercentiles(devices: [String], from: Date, to: Date) throws(StoreError) -> [String: HostPercentiles] {
        guard !devices.isEmpty else { return [:] }
        let (start, end) = (from.timeIntervalSince1970, to.timeIntervalSince1970)
        return try database.write("working out the hosts' use") { db in
            var result: [String: HostPercentiles] = [:]
            let list = devices.map { _ in "?" }.joined(separator: ",")
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT c.device, c.samples, c.cpu, c.memory FROM host_percentiles c
                    WHERE NOT EXISTS (SELECT 1 FROM host_samples h
                            WHERE h.device = c.device AND h.time >= MIN(c.window_from, ?) AND h.time < MAX(c.window_from, ?))
                        AND NOT EXISTS (SELECT 1 FROM host_samples h
                            WHERE h.device = c.device AND h.time >= MIN(c.window_to, ?) AND h.time < MAX(c.window_to, ?))
                        AND c.device IN (\(list))
                    """, arguments: [start, start, end, end] + StatementArguments(devices))
            {
                result[row[0]] = HostPercentiles(samples: row[1], cpu: row[2], memory: row[3])
            }
            let stale = devices.filter { result[$0] == nil }
            for (device, figures) in try Self.rankPercentiles(devices: stale, from: start, to: end, db) {
                result[device] = figures
            }
            return result.filter { $0.value.samples > 0 }
        }
    }

}
