import Foundation
import GRDB
import Model
import Testing

@testable import Store

@Suite("Inventory store: revisions in SQLite, all or nothing")
struct InventoryStoreTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let sampleCity = Result {
        try ConfigurationLoader.load(
            inventoryDirectory: root.appendingPathComponent("inventory").path,
            policiesDirectory: root.appendingPathComponent("policies").path)
    }
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("edunet-store-\(UUID().uuidString).sqlite").path
    let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    private func sample() throws -> CityConfiguration { try Self.sampleCity.get() }

    private func cleanUp() {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    @Test func sampleCityRoundTrips() throws {
        defer { cleanUp() }
        let configuration = try sample()
        let store = try InventoryStore(path: path)
        let (change, revision) = try store.apply(configuration, source: "sample", at: t0)
        #expect(revision?.number == 1)
        #expect(try change.count(.added) == configuration.inventory.records().values.reduce(0) { $0 + $1.count })
        #expect(try store.schools() == configuration.inventory.schools)
        #expect(try store.devices() == configuration.inventory.devices)
        for county in configuration.inventory.counties {
            for kind in SchoolKind.allCases {
                let expected = configuration.inventory.schools.filter { $0.county == county.id && $0.kind == kind }
                #expect(try store.schools(county: county.id, kind: kind) == expected)
            }
        }
        for role in DeviceRole.allCases {
            #expect(try store.devices(role: role) == configuration.inventory.devices.filter { $0.role == role })
        }
        #expect(try store.currentConfiguration() == configuration)
        #expect(try store.history().map(\.appliedAt) == [t0])
    }

    @Test func databaseIsInWALMode() throws {
        defer { cleanUp() }
        _ = try InventoryStore(path: path)
        let mode = try DatabaseQueue(path: path).read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
    }

    @Test func reapplyingTheSameInventoryWritesNothing() throws {
        defer { cleanUp() }
        let store = try InventoryStore(path: path)
        _ = try store.apply(try sample(), source: "sample", at: t0)
        let (change, revision) = try store.apply(try sample(), source: "sample", at: t0.addingTimeInterval(60))
        #expect(change.isEmpty && revision == nil)
        #expect(try store.history().count == 1)
    }

    @Test func diffNamesAddedChangedAndRemovedEntities() throws {
        defer { cleanUp() }
        let store = try InventoryStore(path: path)
        var configuration = try sample()
        _ = try store.apply(configuration, source: "sample", at: t0)
        configuration.inventory.schools[0].students += 50
        let removed = configuration.inventory.devices.removeLast()
        configuration.inventory.counties.append(County(id: "test", name: "测试区", nameEN: "Test"))
        let change = try store.diff(configuration)
        #expect(
            change.entries.map { "\($0.action.rawValue) \($0.kind.rawValue) \($0.id)" } == [
                "added county test", "changed school \(configuration.inventory.schools[0].id)", "removed device \(removed.id)",
            ])
        let students = try #require(change.entries[1].fields.first)
        #expect(students.name == "students")
        #expect(Int(students.new)! - Int(students.old)! == 50)
        #expect(try store.history().count == 1, "diff writes nothing")
        let (_, revision) = try store.apply(configuration, source: "edited", at: t0.addingTimeInterval(60))
        #expect(revision?.number == 2 && revision?.added == 1 && revision?.changed == 1 && revision?.removed == 1)
        #expect(try store.history().map(\.number) == [2, 1])
    }

    @Test func storagePoolsAndPlatformsAreEntitiesOfADiff() throws {
        defer { cleanUp() }
        let store = try InventoryStore(path: path)
        var configuration = try sample()
        _ = try store.apply(configuration, source: "sample", at: t0)
        let pool = try #require(configuration.inventory.computePool.storagePools.first)
        configuration.inventory.computePool.storagePools[0].mount = "/data2"
        configuration.inventory.computePool.platforms.append(.init(id: "test-platform", name: "测试平台"))
        let change = try store.diff(configuration)
        #expect(
            change.entries.map { "\($0.action.rawValue) \($0.kind.rawValue) \($0.id)" } == [
                "changed storage-pool \(pool.id)", "added platform test-platform",
            ])
        #expect(change.entries.first?.fields.map { "\($0.name): \($0.old) → \($0.new)" } == ["mount: \(pool.mount) → /data2"])
        let (_, revision) = try store.apply(configuration, source: "edited", at: t0.addingTimeInterval(60))
        #expect(revision?.added == 1 && revision?.changed == 1 && revision?.removed == 0)
    }

    /// A database whose inventory was applied before storage pools and platforms were entities: the migration that
    /// makes them fills their tables from the current revision, so that the next diff shows nothing added.
    @Test func theMigrationToStoragePoolsFillsThemFromTheCurrentRevision() throws {
        defer { cleanUp() }
        let configuration = try sample()
        _ = try InventoryStore(path: path).apply(configuration, source: "sample", at: t0)
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: "DROP TABLE cloud_storage_pools; DROP TABLE cloud_platforms")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v11-storage-pools-and-platforms'")
        }
        let store = try InventoryStore(path: path)
        #expect(try store.diff(configuration).isEmpty)
        let pools = try DatabaseQueue(path: path).read { try String.fetchAll($0, sql: "SELECT id FROM cloud_storage_pools ORDER BY position") }
        #expect(pools == configuration.inventory.computePool.storagePools.map(\.id) && !pools.isEmpty)
    }

    @Test func aFailurePartWayLeavesThePreviousRevisionIntact() throws {
        defer { cleanUp() }
        let store = try InventoryStore(path: path)
        let original = try sample()
        _ = try store.apply(original, source: "sample", at: t0)
        // A real SQLite failure in the middle of the write: the last device of the new revision cannot be inserted.
        var edited = original
        edited.inventory.schools[0].name = "改名后的学校"
        edited.inventory.devices.append(Device(id: "poison", name: "x", role: .router, node: "province-core"))
        try DatabaseQueue(path: path).write { db in
            try db.execute(
                sql: """
                    CREATE TRIGGER fail_part_way BEFORE INSERT ON devices WHEN NEW.id = 'poison'
                    BEGIN SELECT RAISE(ABORT, 'injected failure'); END
                    """)
        }
        #expect {
            _ = try store.apply(edited, source: "edited", at: t0.addingTimeInterval(60))
        } throws: { error in
            (error as? StoreError)?.code == .writeFailed && "\(error)".contains("injected failure") && "\(error)".contains("rolled back")
        }
        #expect(try store.history().count == 1)
        #expect(try store.schools() == original.inventory.schools)
        #expect(try store.devices() == original.inventory.devices)
        #expect(try store.currentConfiguration() == original)
    }

    @Test func readsBeforeAnyApplyExplainWhatToDo() throws {
        defer { cleanUp() }
        let store = try InventoryStore(path: path)
        #expect { try store.schools() } throws: { ($0 as? StoreError)?.code == .noInventory && "\($0)".contains("edunet inventory apply") }
    }

    @Test func unknownIdsAreNotFoundWithSuggestions() throws {
        defer { cleanUp() }
        let store = try InventoryStore(path: path)
        _ = try store.apply(try sample(), source: "sample", at: t0)
        #expect { try store.school(id: "lingwu-vocational") } throws: {
            ($0 as? StoreError)?.code == .notFound && "\($0)".contains("`lingwu-vocational-12`")
        }
    }

    @Test func unopenableDatabaseSaysSo() {
        #expect { try InventoryStore(path: "/nonexistent/dir/edunet.sqlite") } throws: {
            ($0 as? StoreError)?.code == .cannotOpen && "\($0)".contains("/nonexistent/dir/edunet.sqlite")
        }
    }
}

/// A new file opened by several processes at once (the daemon and a command): every one of them ends up with the
/// newest schema, whichever applied each migration.
@Suite("Migrating a new file from several connections at once")
struct ConcurrentMigrationTests {
    @Test func everyOpenerSucceeds() async throws {
        for round in 0..<2 {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("edunet-migrate-\(round)-\(UUID().uuidString).sqlite").path
            defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
            let failures = await withTaskGroup(of: String?.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        await withCheckedContinuation { (done: CheckedContinuation<String?, Never>) in
                            Thread {
                                do {
                                    _ = try StoreDatabase(path: path)
                                    done.resume(returning: nil)
                                } catch { done.resume(returning: "\(error)") }
                            }.start()
                        }
                    }
                }
                var failures: [String] = []
                for await failure in group { if let failure { failures.append(failure) } }
                return failures
            }
            #expect(failures.isEmpty, "round \(round): \(failures)")
        }
    }
}
