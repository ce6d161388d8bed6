import Foundation
internal import GRDB
import Model

/// One applied inventory: when, from where, and how much it changed.
public struct Revision: Sendable, Hashable, Codable {
    public var number: Int
    public var appliedAt: Date
    public var source: String
    public var added: Int
    public var changed: Int
    public var removed: Int
}

/// The SQLite database (WAL mode) that holds inventory revisions and the current inventory.
/// Readers never block the writer, and every write is one transaction: all or nothing.
public final class InventoryStore: Sendable {
    private let database: StoreDatabase
    private var pool: DatabasePool { database.pool }
    public var path: String { database.path }

    public init(database: StoreDatabase) {
        self.database = database
    }

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    public convenience init(path: String) throws(StoreError) {
        self.init(database: try StoreDatabase(path: path))
    }

    /// What applying `configuration` would change, without writing anything.
    public func diff(_ configuration: CityConfiguration) throws(StoreError) -> InventoryChange {
        let new = try records(of: configuration.inventory)
        return try read { db in InventoryChange.between(old: try Self.currentRecords(db), new: new) }
    }

    /// Stores `configuration` as a new revision in one transaction and returns what changed.
    /// When nothing differs from the current revision, nothing is written and the change is empty.
    public func apply(_ configuration: CityConfiguration, source: String, at date: Date) throws(StoreError) -> (
        change: InventoryChange, revision: Revision?
    ) {
        let new = try records(of: configuration.inventory)
        let snapshot: Data
        do { snapshot = try JSONEncoder().encode(StoredConfiguration(configuration)) } catch {
            throw StoreError(.writeFailed, "cannot encode the configuration: \(error)")
        }
        do {
            return try pool.write { db in
                let change = InventoryChange.between(old: try Self.currentRecords(db), new: new)
                let isFirst = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM revisions") == 0
                guard !change.isEmpty || isFirst else { return (change, nil) }
                try db.execute(
                    sql: """
                        INSERT INTO revisions (applied_at, source, added, changed, removed, configuration) VALUES (?, ?, ?, ?, ?, ?)
                        """, arguments: [date, source, change.count(.added), change.count(.changed), change.count(.removed), snapshot])
                let revision = Revision(
                    number: Int(db.lastInsertedRowID), appliedAt: date, source: source,
                    added: change.count(.added), changed: change.count(.changed), removed: change.count(.removed))
                for kind in EntityKind.allCases { try kind.replaceRecords(with: new[kind] ?? [], db) }
                return (change, revision)
            }
        } catch {
            throw StoreError(
                .writeFailed, "applying the inventory failed and was rolled back; the current revision is unchanged: \(StoreDatabase.describe(error))"
            )
        }
    }

    /// Every revision, newest first.
    public func history() throws(StoreError) -> [Revision] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT id, applied_at, source, added, changed, removed FROM revisions ORDER BY id DESC").map { row in
                Revision(
                    number: row["id"], appliedAt: row["applied_at"], source: row["source"],
                    added: row["added"], changed: row["changed"], removed: row["removed"])
            }
        }
    }

    /// The configuration of the newest revision.
    public func currentConfiguration() throws(StoreError) -> CityConfiguration {
        let data: Data? = try read { db in try Data.fetchOne(db, sql: "SELECT configuration FROM revisions ORDER BY id DESC LIMIT 1") }
        guard let data else { throw Self.noInventory }
        do { return try JSONDecoder().decode(StoredConfiguration.self, from: data).configuration } catch {
            throw StoreError(.corrupt, "the stored configuration cannot be read (\(error)); apply the inventory again")
        }
    }

    /// Schools of the current revision, optionally of one county and kind, in inventory order.
    public func schools(county: String? = nil, kind: SchoolKind? = nil) throws(StoreError) -> [School] {
        try entities(.school, School.self, filters: ["county": county, "kind": kind?.rawValue])
    }

    /// Devices of the current revision, optionally of one school and role, in inventory order.
    public func devices(school: String? = nil, role: DeviceRole? = nil) throws(StoreError) -> [Device] {
        try entities(.device, Device.self, filters: ["school": school, "role": role?.rawValue])
    }

    public func school(id: String) throws(StoreError) -> School {
        try entity(.school, School.self, id: id)
    }

    public func device(id: String) throws(StoreError) -> Device {
        try entity(.device, Device.self, id: id)
    }

    public func counties() throws(StoreError) -> [County] { try entities(.county, County.self) }
    public func links() throws(StoreError) -> [Link] { try entities(.link, Link.self) }

    // MARK: - Reading

    private static let noInventory = StoreError(.noInventory, "no inventory has been applied yet; run `edunet inventory apply` first")

    private func entities<T: Decodable>(_ kind: EntityKind, _ type: T.Type, filters: [String: String?] = [:]) throws(StoreError) -> [T] {
        let active = filters.compactMap { key, value in value.map { (key, $0) } }.sorted { $0.0 < $1.0 }
        let whereClause = active.isEmpty ? "" : " WHERE " + active.map { "\($0.0) = ?" }.joined(separator: " AND ")
        let rows: [Data] = try read { db in
            guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM revisions") ?? 0 > 0 else { throw Self.noInventory }
            return try Data.fetchAll(
                db, sql: "SELECT json FROM \(kind.table)\(whereClause) ORDER BY position",
                arguments: StatementArguments(active.map(\.1)))
        }
        return try rows.map { data throws(StoreError) in try Self.decode(type, data) }
    }

    private func entity<T: Decodable>(_ kind: EntityKind, _ type: T.Type, id: String) throws(StoreError) -> T {
        let data: Data? = try read { db in
            guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM revisions") ?? 0 > 0 else { throw Self.noInventory }
            return try Data.fetchOne(db, sql: "SELECT json FROM \(kind.table) WHERE id = ?", arguments: [id])
        }
        guard let data else {
            let known: [String] = (try? read { db in try String.fetchAll(db, sql: "SELECT id FROM \(kind.table)") }) ?? []
            let near = known.filter { $0.hasPrefix(id) || id.hasPrefix($0) || $0.contains(id) }.prefix(3)
            let hint =
                near.isEmpty
                ? "list them with `edunet \(kind.rawValue)s list`" : "did you mean " + near.map { "`\($0)`" }.joined(separator: ", ") + "?"
            throw StoreError(.notFound, "no \(kind.rawValue) with id `\(id)` in the current inventory; \(hint)")
        }
        return try Self.decode(type, data)
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ data: Data) throws(StoreError) -> T {
        do { return try JSONDecoder().decode(type, from: data) } catch {
            throw StoreError(.corrupt, "a stored \(type) cannot be read (\(error)); apply the inventory again")
        }
    }

    private static func currentRecords(_ db: Database) throws -> [EntityKind: [EntityRecord]] {
        var result: [EntityKind: [EntityRecord]] = [:]
        for kind in EntityKind.allCases {
            result[kind] = try Row.fetchAll(db, sql: "SELECT id, label, json FROM \(kind.table) ORDER BY position").map {
                EntityRecord(id: $0["id"], label: $0["label"], json: $0["json"], columns: [:])
            }
        }
        return result
    }

    private func records(of inventory: Inventory) throws(StoreError) -> [EntityKind: [EntityRecord]] {
        do { return try inventory.records() } catch { throw StoreError(.writeFailed, "cannot encode the inventory: \(error)") }
    }

    private func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T { try database.read(body) }

}

/// The JSON form of a configuration kept with each revision.
private struct StoredConfiguration: Codable {
    var inventory: Inventory
    var policies: PolicySet

    init(_ configuration: CityConfiguration) {
        inventory = configuration.inventory
        policies = configuration.policies
    }

    var configuration: CityConfiguration { CityConfiguration(inventory: inventory, policies: policies) }
}
