import Foundation
internal import GRDB
import Model
import Synchronization

/// The e-book terminal register, the rosters and their history in the database. Every change is one `Change`
/// applied in one transaction against the register's version: a change planned on an older version is refused,
/// so that a plan shown to a person is exactly what is applied.
public final class FleetStore: Sendable {
    let database: StoreDatabase

    public init(database: StoreDatabase) {
        self.database = database
    }

    /// The register as it is: its version and every terminal, by serial.
    public struct Register: Sendable {
        public var version: Int64
        public var terminals: [String: Terminal]
    }

    /// One terminal's change: as it was (nil: new) and as it becomes (nil: removed, when an import is undone).
    public struct TerminalChange: Sendable, Hashable {
        public var serial: String
        public var before: Terminal?
        public var after: Terminal?

        public init(serial: String, before: Terminal?, after: Terminal?) {
            self.serial = serial
            self.before = before
            self.after = after
        }
    }

    /// A change of the register: terminals as they were and as they become, roster entries to add or replace,
    /// under one operation; `undoing` names the operation it reverses.
    public struct Change: Sendable {
        public var operation: FleetOperation
        public var terminals: [TerminalChange]
        public var roster: [RosterEntry]
        public var undoing: String?
        /// The register version the change was planned on.
        public var basedOn: Int64

        public init(
            operation: FleetOperation, terminals: [TerminalChange], roster: [RosterEntry] = [], undoing: String? = nil,
            basedOn: Int64
        ) {
            self.operation = operation
            self.terminals = terminals
            self.roster = roster
            self.undoing = undoing
            self.basedOn = basedOn
        }
    }

    /// The register's version: what a plan is made on.
    public func version() throws(StoreError) -> Int64 {
        try database.read { db in try Int64.fetchOne(db, sql: "SELECT version FROM fleet_version WHERE id = 1") ?? 0 }
    }

    public func register() throws(StoreError) -> Register {
        try database.read { db in
            let version = try Int64.fetchOne(db, sql: "SELECT version FROM fleet_version WHERE id = 1") ?? 0
            var terminals: [String: Terminal] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT \(Self.terminalColumns) FROM \(Self.lastSeenJoin)")
            while let row = try rows.next() {
                let terminal = Self.terminal(row)
                terminals[terminal.serial] = terminal
            }
            return Register(version: version, terminals: terminals)
        }
    }

    /// One terminal, or nil.
    public func terminal(_ serial: String) throws(StoreError) -> Terminal? {
        try database.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.terminalColumns) FROM \(Self.lastSeenJoin) WHERE t.serial = ?", arguments: [serial]).map(
                Self.terminal)
        }
    }

    /// The columns `terminal(_:)` reads, in its order, from `terminals t`.
    private static let terminalColumns =
        "serial, macs, model, os_version, batch, purchased, warranty_end, school, state, holder, \(lastSeenColumns)"

    /// Where and when a terminal was last seen, from `terminals t` joined `lastSeenJoin`: a terminal its controller's
    /// latest poll listed was seen at that poll.
    private static let lastSeenColumns =
        "CASE WHEN t.present = 1 THEN p.polled_at ELSE t.last_seen_at END, t.last_seen_controller, t.last_seen_ap, t.last_seen_ssid"
    private static let lastSeenJoin = "terminals t LEFT JOIN controller_polls p ON p.controller = t.last_seen_controller"

    private static func terminal(_ row: Row) -> Terminal {
        Terminal(
            serial: row[0], macs: (row[1] as String).split(separator: ",").compactMap { MACAddress(parsing: String($0)) }, model: row[2],
            osVersion: row[3], batch: row[4], purchased: row[5], warrantyEnd: row[6], school: row[7],
            state: TerminalState(rawValue: row[8]) ?? .inStock, holder: (row[9] as String?).map(PersonalID.init),
            lastSeen: sighting(row, from: 10))
    }

    private static func sighting(_ row: Row, from column: Int) -> Terminal.Sighting? {
        guard let at = row[column] as Double?, let controller = row[column + 1] as String? else { return nil }
        return Terminal.Sighting(
            at: Date(timeIntervalSince1970: at), controller: controller, accessPoint: row[column + 2], ssid: row[column + 3])
    }

    /// The roster, of one school or of all.
    public func roster(school: String? = nil) throws(StoreError) -> [RosterEntry] {
        try database.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT school, id, class, role, name FROM roster" + (school == nil ? "" : " WHERE school = ?") + " ORDER BY school, class, id",
                arguments: StatementArguments(school.map { [$0] } ?? []))
            return rows.map { row in
                RosterEntry(
                    school: row[0], id: PersonalID(row[1]), className: row[2], role: HolderRole(rawValue: row[3]) ?? .student, name: row[4])
            }
        }
    }

    /// A terminal's history, oldest first.
    public func history(of serial: String) throws(StoreError) -> [TerminalHistoryEntry] {
        try database.read { db in try Self.history(db, where: "serial = ?", serial) }
    }

    /// The operations, newest first.
    public func operations(limit: Int = 50) throws(StoreError) -> [FleetOperation] {
        try database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT \(Self.operationColumns) FROM fleet_operations ORDER BY at DESC, id DESC LIMIT ?",
                arguments: [limit]
            )
            .map(Self.operation)
        }
    }

    /// The columns `operation(_ row:)` reads, in its order.
    private static let operationColumns = "id, kind, at, by, why, terminals, undone_by"

    /// The latest terminals import and the latest roster import applied by `date` and not undone: what a finding on
    /// the register rests on.
    public func lastImports(by date: Date) throws(StoreError) -> [FleetOperation] {
        try database.read { db in
            try ["import-terminals", "import-roster"].compactMap { kind in
                try Row.fetchOne(
                    db,
                    sql: """
                        SELECT \(Self.operationColumns) FROM fleet_operations
                        WHERE kind = ? AND undone_by IS NULL AND at <= ? ORDER BY at DESC, id DESC LIMIT 1
                        """, arguments: [kind, date.timeIntervalSince1970]
                ).map(Self.operation)
            }
        }
    }

    /// One operation and the changes it made, or nil.
    public func operation(_ id: String) throws(StoreError) -> (operation: FleetOperation, changes: [TerminalHistoryEntry])? {
        try database.read { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT \(Self.operationColumns) FROM fleet_operations WHERE id = ?", arguments: [id])
            else { return nil }
            return (Self.operation(row), try Self.history(db, where: "operation = ?", id))
        }
    }

    private static func operation(_ row: Row) -> FleetOperation {
        FleetOperation(
            id: row[0], kind: row[1], at: Date(timeIntervalSince1970: row[2]), by: row[3], why: row[4], terminals: row[5], undoneBy: row[6])
    }

    private static func history(_ db: Database, where condition: String, _ value: String) throws -> [TerminalHistoryEntry] {
        let decoder = JSONDecoder()
        return try Row.fetchAll(
            db, sql: "SELECT serial, at, by, why, operation, before, after FROM terminal_history WHERE \(condition) ORDER BY id", arguments: [value]
        ).map { row in
            TerminalHistoryEntry(
                serial: row[0], at: Date(timeIntervalSince1970: row[1]), by: row[2], why: row[3], operation: row[4],
                before: try (row[5] as Data?).map { try decoder.decode(Terminal.self, from: $0) },
                after: try (row[6] as Data?).map { try decoder.decode(Terminal.self, from: $0) })
        }
    }

    /// What the alerts read of each terminal: no JSON decoded, so that it is cheap every minute.
    public struct TerminalStatus: Sendable, Hashable {
        public var serial: String
        public var school: String
        public var state: TerminalState
        /// When the register last changed it (a terminal marked lost and seen after that was seen since it was lost).
        public var changedAt: Date
        public var lastSeen: Terminal.Sighting?
    }

    public func statuses() throws(StoreError) -> [TerminalStatus] {
        try database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT serial, school, state, changed_at, \(Self.lastSeenColumns) FROM \(Self.lastSeenJoin)"
            ).map { row in
                TerminalStatus(
                    serial: row[0], school: row[1], state: TerminalState(rawValue: row[2]) ?? .inStock,
                    changedAt: Date(timeIntervalSince1970: row[3]), lastSeen: Self.sighting(row, from: 4))
            }
        }
    }

    /// Per school: terminals by state, assigned terminals seen on at least `seenAtLeast` of `schoolDays`
    /// (`yyyymmdd`), terminals ever seen, and the roster's students and teachers; the planning figures are the caller's.
    public func counts(schoolDays: [Int], seenAtLeast: Int) throws(StoreError) -> [String: FleetCounts] {
        try database.read { db in
            var result: [String: FleetCounts] = [:]
            let days = Set(schoolDays)
            // Per terminal, the school days of the window it was seen on (yyyymmdd).
            var daysSeen: [String: [Int]] = [:]
            if let first = schoolDays.min() {
                let rows = try Row.fetchCursor(db, sql: "SELECT serial, month, days FROM terminal_days WHERE month >= ?", arguments: [first / 100])
                while let row = try rows.next() {
                    let month: Int = row[1]
                    let bits: Int64 = row[2]
                    let seen = (1...31).map { month * 100 + $0 }.filter { bits & (1 << ($0 % 100 - 1)) != 0 && days.contains($0) }
                    if !seen.isEmpty { daysSeen[row[0] as String, default: []] += seen }
                }
            }
            var watched: [String: Set<Int>] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT serial, school, state, last_seen_at IS NOT NULL FROM terminals")
            while let row = try rows.next() {
                let state = TerminalState(rawValue: row[2]) ?? .inStock
                let school: String = row[1]
                var counts = result[school] ?? FleetCounts()
                counts.add(state)
                if row[3] as Bool { counts.everSeen += 1 }
                let seen = daysSeen[row[0] as String] ?? []
                if state == .assigned, seen.count >= seenAtLeast { counts.inUse += 1 }
                if !seen.isEmpty { watched[school, default: []].formUnion(seen) }
                result[school] = counts
            }
            for (school, days) in watched { result[school]?.schoolDaysWatched = days.count }
            for row in try Row.fetchAll(db, sql: "SELECT school, role, COUNT(*) FROM roster GROUP BY school, role") {
                var counts = result[row[0] as String] ?? FleetCounts()
                if row[1] as String == HolderRole.teacher.rawValue { counts.rosterTeachers = row[2] } else { counts.rosterStudents = row[2] }
                result[row[0] as String] = counts
            }
            return result
        }
    }

    /// Applies a change in one transaction: terminals, their MACs, a history row each, the roster, the operation.
    /// Refused with `conflict` when the register changed since `basedOn`.
    public func apply(_ change: Change) throws(StoreError) {
        try database.write("applying fleet operation \(change.operation.id)") { db in
            let version = try Int64.fetchOne(db, sql: "SELECT version FROM fleet_version WHERE id = 1") ?? 0
            guard version == change.basedOn else {
                throw StoreError(
                    .conflict,
                    "the terminal register changed since this plan was made (version \(change.basedOn), now \(version)); nothing was changed, plan again"
                )
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            let upsert = try db.makeStatement(
                sql: """
                    INSERT INTO terminals (serial, macs, model, os_version, batch, purchased, warranty_end, school, state, holder, changed_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(serial) DO UPDATE SET macs = excluded.macs, model = excluded.model, os_version = excluded.os_version,
                        batch = excluded.batch, purchased = excluded.purchased, warranty_end = excluded.warranty_end, school = excluded.school,
                        state = excluded.state, holder = excluded.holder, changed_at = excluded.changed_at
                    """)
            let addMAC = try db.makeStatement(sql: "INSERT INTO terminal_macs (mac, serial) VALUES (?, ?)")
            let removeMAC = try db.makeStatement(sql: "DELETE FROM terminal_macs WHERE mac = ? AND serial = ?")
            let history = try db.makeStatement(
                sql: "INSERT INTO terminal_history (serial, operation, at, by, why, before, after) VALUES (?, ?, ?, ?, ?, ?, ?)")
            let operation = change.operation
            let at = operation.at.timeIntervalSince1970
            let remove = try db.makeStatement(sql: "DELETE FROM terminals WHERE serial = ?")
            for change in change.terminals {
                let fields = try change.after.map { try encoder.encode($0.registerFields) }
                if let after = change.after {
                    try upsert.execute(arguments: [
                        after.serial, after.macs.map(\.description).joined(separator: ","), after.model, after.osVersion, after.batch,
                        after.purchased, after.warrantyEnd, after.school, after.state.rawValue, after.holder?.value, at,
                    ])
                } else {
                    try remove.execute(arguments: [change.serial])
                }
                let old = Set(change.before?.macs ?? [])
                let new = Set(change.after?.macs ?? [])
                for mac in old.subtracting(new) { try removeMAC.execute(arguments: [Int64(mac.value), change.serial]) }
                for mac in new.subtracting(old) {
                    do { try addMAC.execute(arguments: [Int64(mac.value), change.serial]) } catch let error as DatabaseError
                        where error.resultCode == .SQLITE_CONSTRAINT
                    {
                        throw StoreError(.conflict, "MAC \(mac) of terminal \(change.serial) is already on another terminal; nothing was changed")
                    }
                }
                try history.execute(arguments: [
                    change.serial, operation.id, at, operation.by, operation.why, try change.before.map { try encoder.encode($0.registerFields) },
                    fields,
                ])
            }
            let roster = try db.makeStatement(sql: "INSERT OR REPLACE INTO roster (id, school, class, role, name) VALUES (?, ?, ?, ?, ?)")
            for entry in change.roster {
                try roster.execute(arguments: [entry.id.value, entry.school, entry.className, entry.role.rawValue, entry.name])
            }
            try db.execute(
                sql: "INSERT INTO fleet_operations (id, kind, at, by, why, terminals) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [operation.id, operation.kind, at, operation.by, operation.why, change.terminals.count])
            if let undone = change.undoing {
                try db.execute(sql: "UPDATE fleet_operations SET undone_by = ? WHERE id = ?", arguments: [operation.id, undone])
            }
            try db.execute(sql: "UPDATE fleet_version SET version = version + 1 WHERE id = 1")
        }
        database.terminalMACs.withLock { $0 = nil }
    }
}

/// Which terminal each Wi-Fi address belongs to, as of a register version, and what each controller's last poll
/// listed: what a poll matches its clients against without a query per client, and writes only what changed.
/// Terminals are numbered as first met (the numbers outlive register versions), so that a poll's work is integer
/// lookups, not string hashing.
struct TerminalMACIndex: Sendable {
    var version: Int64 = -1
    var owners: [UInt64: Int32] = [:]
    /// Terminal number → serial, and back.
    var serials: [String] = []
    var numbers: [String: Int32] = [:]
    /// By terminal number, the city day its seen-day bit was last written, so that it is written once a day.
    var dayRecorded: [Int32] = []
    /// Per controller, its last poll: when, and the terminals it listed where.
    var listings: [String: Listing] = [:]

    struct Place: Hashable, Sendable {
        var accessPoint: String?
        var ssid: String?
    }

    struct Listing: Sendable {
        var polledAt: Double
        var terminals: [Int32: Place]
    }

    mutating func number(_ serial: String) -> Int32 {
        if let number = numbers[serial] { return number }
        let number = Int32(serials.count)
        serials.append(serial)
        numbers[serial] = number
        dayRecorded.append(0)
        return number
    }
}

extension FleetStore {
    /// Marks the terminals among `stations` as seen at `time` by `controller`, from the index `start`; runs inside the
    /// poll's own transaction and returns the index to keep once that transaction has committed. Written are only changes against the
    /// controller's previous poll: a terminal newly listed or on another AP or SSID (where and since when), one no
    /// longer listed (last seen at the previous poll), the first sighting of each day; and the poll's time, which is
    /// the last-seen time of every terminal it lists. Clients that are no terminal of the register are skipped.
    static func recordSightings(
        _ stations: [StationReading], controller: String, at time: Date, index start: TerminalMACIndex, _ db: Database
    ) throws -> TerminalMACIndex {
        let version = try Int64.fetchOne(db, sql: "SELECT version FROM fleet_version WHERE id = 1") ?? 0
        var index = start
        if index.version != version {
            index.owners = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT mac, serial FROM terminal_macs")
            while let row = try rows.next() { index.owners[UInt64(row[0] as Int64)] = index.number(row[1]) }
            index.version = version
        }
        guard !index.owners.isEmpty else { return index }
        let previous = try index.listings[controller] ?? listing(of: controller, &index, db)
        var current: [Int32: TerminalMACIndex.Place] = [:]
        current.reserveCapacity(stations.count)
        let seconds = time.timeIntervalSince1970
        let arrived = try db.makeStatement(
            sql: "UPDATE terminals SET last_seen_at = ?, last_seen_controller = ?, last_seen_ap = ?, last_seen_ssid = ?, present = 1 WHERE serial = ?"
        )
        let markDay = try db.makeStatement(
            sql:
                "INSERT INTO terminal_days (serial, month, days) VALUES (?, ?, ?) ON CONFLICT(serial, month) DO UPDATE SET days = days | excluded.days"
        )
        let day = SchoolDays.day(of: time)
        for station in stations {
            // A client listed twice (a roaming client on two APs) counts at its first row, as the poller orders them.
            guard let number = index.owners[station.mac.value] else { continue }
            let place = TerminalMACIndex.Place(accessPoint: station.accessPoint, ssid: station.ssid)
            if let first = current.updateValue(place, forKey: number) {
                current[number] = first
                continue
            }
            let serial = index.serials[Int(number)]
            if previous?.terminals[number] != place { try arrived.execute(arguments: [seconds, controller, place.accessPoint, place.ssid, serial]) }
            if index.dayRecorded[Int(number)] != day {
                try markDay.execute(arguments: [serial, day / 100, Int64(1) << Int64(day % 100 - 1)])
                index.dayRecorded[Int(number)] = Int32(day)
            }
        }
        if let previous {
            // Gone since the previous poll, unless another controller has listed it since.
            let left = try db.makeStatement(
                sql: "UPDATE terminals SET last_seen_at = ?, present = 0 WHERE serial = ? AND present = 1 AND last_seen_controller = ?")
            for number in previous.terminals.keys where current[number] == nil {
                try left.execute(arguments: [previous.polledAt, index.serials[Int(number)], controller])
            }
        }
        try db.execute(
            sql:
                "INSERT INTO controller_polls (controller, polled_at) VALUES (?, ?) ON CONFLICT(controller) DO UPDATE SET polled_at = excluded.polled_at",
            arguments: [controller, seconds])
        index.listings[controller] = TerminalMACIndex.Listing(polledAt: seconds, terminals: current)
        return index
    }

    /// What the controller's last poll listed, as stored (after a restart, before its first poll); nil if it never
    /// listed a terminal.
    private static func listing(of controller: String, _ index: inout TerminalMACIndex, _ db: Database) throws -> TerminalMACIndex.Listing? {
        guard let polledAt = try Double.fetchOne(db, sql: "SELECT polled_at FROM controller_polls WHERE controller = ?", arguments: [controller])
        else { return nil }
        var terminals: [Int32: TerminalMACIndex.Place] = [:]
        for row in try Row.fetchAll(
            db, sql: "SELECT serial, last_seen_ap, last_seen_ssid FROM terminals WHERE present = 1 AND last_seen_controller = ?",
            arguments: [controller])
        {
            terminals[index.number(row[0])] = TerminalMACIndex.Place(accessPoint: row[1], ssid: row[2])
        }
        return TerminalMACIndex.Listing(polledAt: polledAt, terminals: terminals)
    }
}
