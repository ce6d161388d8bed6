import Foundation
import Logging
import NIOCore
import PostgresNIO

/// What must run once among many processes (the compliance evaluation, the alert engine and its delivery worker) runs
/// in the one that holds a PostgreSQL advisory lock of the job's name, on a connection of its own: a session lock is
/// the server's to free, so when that process dies its connection closes and the lock is free for the next that asks.
/// No clock is involved: the server knows when a session ends. A holder calls `resign()` before it lets go of the
/// lease (its connection must be closed).
public actor SingletonLease {
    public let name: String
    let configuration: PostgresConnection.Configuration
    let place: String
    private var connection: PostgresConnection?
    private var held = false

    public init(name: String, address: ClusterDatabase.Address, password: String?) {
        self.name = name
        configuration = PostgresConnection.Configuration(
            host: address.host, port: address.port, username: address.user, password: password, database: address.database, tls: .disable)
        place = "\(address.host):\(address.port)/\(address.database)"
    }

    /// The lock's key: the name's 64-bit FNV-1a hash, the same in every process.
    var key: Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return Int64(bitPattern: hash)
    }

    /// Whether this process holds the job now: takes the lock when it is free. A lost connection (the server restarted)
    /// loses the lock: the next call connects again and asks again.
    public func holds() async throws(ClusterError) -> Bool {
        if held, let connection, !connection.isClosed { return true }
        held = false
        do {
            if connection == nil || connection?.isClosed == true {
                connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: DeviceLeases.quiet)
            }
            guard let connection else { return false }
            for try await taken in try await connection.query("SELECT pg_try_advisory_lock(\(key))", logger: DeviceLeases.quiet).decode(Bool.self) {
                held = taken
            }
            // A connection is kept only while it holds the lock: the next ask connects again.
            if !held {
                try await connection.close()
                self.connection = nil
            }
        } catch {
            connection = nil
            throw ClusterDatabase.explain(error, what: "asking for the `\(name)` lock", place: place)
        }
        return held
    }

    /// Gives the job up: the lock is released (so that the next to ask gets it at once, not when the server has ended
    /// the session) and the connection closed.
    public func resign() async {
        if held, let connection {
            _ = try? await connection.query("SELECT pg_advisory_unlock(\(key))", logger: DeviceLeases.quiet)
        }
        held = false
        try? await connection?.close()
        connection = nil
    }
}
