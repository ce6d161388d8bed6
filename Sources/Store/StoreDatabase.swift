import Foundation
internal import GRDB
import Synchronization

/// The SQLite file (WAL mode: readers never block the writer), opened once and brought to the newest schema;
/// the inventory and measurement stores work on it.
public final class StoreDatabase: Sendable {
    let pool: DatabasePool
    public let path: String
    /// The terminals' Wi-Fi addresses as of a register version, for matching polls' clients (see `FleetStore`).
    let terminalMACs = Mutex<TerminalMACIndex?>(nil)

    public init(path: String) throws(StoreError) {
        self.path = path
        do {
            var configuration = GRDB.Configuration()
            configuration.busyMode = .timeout(10)
            pool = try Self.open(path, configuration)
        } catch {
            throw StoreError(.cannotOpen, "cannot open database \(path): \(Self.describe(error)); check the path and that the directory is writable")
        }
    }

    /// Opens the file in WAL mode and brings it to the newest schema. Two processes that open a new file at once (the
    /// daemon and a command) race: to switch it to WAL, and to apply each migration (one transaction each, rolled back
    /// whole). The one that loses finds the file locked or a migration's tables made, and tries again from what the
    /// other has done by then.
    private static func open(_ path: String, _ configuration: GRDB.Configuration) throws -> DatabasePool {
        var attempt = 1
        while true {
            do {
                let pool = try DatabasePool(path: path, configuration: configuration)
                try Migrations.migrator.migrate(pool)
                return pool
            } catch  where attempt < 8 {
                Thread.sleep(forTimeInterval: 0.05 * Double(attempt))
                attempt += 1
            }
        }
    }

    static func describe(_ error: any Error) -> String {
        (error as? DatabaseError).map { $0.message ?? "\($0.resultCode)" } ?? "\(error)"
    }

    /// SQLite's own check of the file (`PRAGMA integrity_check`): `["ok"]`, or the problems it found.
    public func integrityCheck() throws(StoreError) -> [String] {
        try read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
    }

    /// Runs a write in one transaction: all of it or, when anything fails, none of it. A `StoreError` the body throws
    /// is passed on as it is; any other failure becomes `writeFailed`, saying what was being done.
    func write<T>(_ what: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try pool.write(body) } catch let error as StoreError { throw error } catch {
            throw StoreError(.writeFailed, "\(what) failed and was rolled back: \(Self.describe(error)); nothing was changed")
        }
    }

    /// Runs a read; any failure becomes a `StoreError` naming the database.
    func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try pool.read(body) } catch let error as StoreError { throw error } catch let error as DecodingError {
            throw StoreError(.corrupt, "stored data in \(path) cannot be decoded: \(error); was the database written by a newer EduNet?")
        } catch {
            throw StoreError(.readFailed, "cannot read database \(path): \(Self.describe(error)); nothing was changed, try again")
        }
    }
}
