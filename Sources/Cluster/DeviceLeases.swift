import Foundation
import Logging
import PostgresNIO

/// Which poller polls which device, when several share a province: a lease per device in the shared database, held by
/// one poller until it expires. A poller steps every few seconds: it renews what it holds, gives back what it holds
/// beyond its fair share (a poller joined), and takes free or expired devices up to its share with
/// `FOR UPDATE SKIP LOCKED`, so that two pollers stepping at once never take the same device. A dead poller stops
/// renewing: its devices are free `ttl` seconds after its last step and taken at the others' next step. Only the
/// excess moves when a poller joins, so a join is no storm of moves. Each lease carries a generation, raised by every
/// take: a fence against a poller that lost a lease and still writes.
public struct DeviceLeases: Sendable {
    public let database: ClusterDatabase
    /// How long a lease holds without a renewal, and a poller counts as alive after its last step.
    public let ttl: Double

    public init(database: ClusterDatabase, ttl: Double = 12) {
        self.database = database
        self.ttl = ttl
    }

    /// What one step of a poller did.
    public struct Step: Sendable, Hashable {
        /// The devices it holds after the step, each with its lease's generation.
        public var held: [String: Int64]
        /// What it took and gave back in this step.
        public var taken: [String]
        public var released: [String]
        /// The pollers alive (itself included) and its fair share of the devices.
        public var pollers: Int
        public var share: Int
        /// Until when what it holds is its own, unless it steps again first.
        public var until: Double
    }

    /// Creates the tables when they are missing.
    public func prepare() async throws(ClusterError) {
        try await database.perform("creating the lease tables") { client in
            try await client.query(
                "CREATE TABLE IF NOT EXISTS edunet_pollers (name text PRIMARY KEY, seen_at double precision NOT NULL)")
            try await client.query(
                """
                CREATE TABLE IF NOT EXISTS edunet_device_leases (
                    device text PRIMARY KEY, poller text, expires_at double precision, generation bigint NOT NULL DEFAULT 0)
                """)
            try await client.query("CREATE INDEX IF NOT EXISTS edunet_device_leases_poller ON edunet_device_leases (poller)")
        }
    }

    /// Makes the leased devices `devices`: new ones free, ones no longer named dropped (with their leases).
    public func register(devices: [String]) async throws(ClusterError) {
        try await database.perform("registering \(devices.count) devices") { client in
            try await client.withTransaction(logger: Self.quiet) { connection in
                try await connection.query(
                    "INSERT INTO edunet_device_leases (device) SELECT unnest(\(devices)::text[]) ON CONFLICT (device) DO NOTHING", logger: Self.quiet)
                try await connection.query(
                    "DELETE FROM edunet_device_leases WHERE NOT (device = ANY(\(devices)::text[]))", logger: Self.quiet)
            }
        }
    }

    /// One step of `poller` at `now` (the database's clock when nil, so that pollers' clocks need not agree), in one
    /// transaction.
    public func step(poller: String, at now: Date? = nil) async throws(ClusterError) -> Step {
        let ttl = ttl
        return try await database.perform("stepping poller \(poller)") { client in
            try await client.withTransaction(logger: Self.quiet) { connection in
                let clock = try await Self.time(now, connection)
                let until = clock + ttl
                try await connection.query(
                    """
                    INSERT INTO edunet_pollers (name, seen_at) VALUES (\(poller), \(clock))
                    ON CONFLICT (name) DO UPDATE SET seen_at = EXCLUDED.seen_at
                    """, logger: Self.quiet)
                var pollers = 1
                for try await count in try await connection.query(
                    "SELECT count(*) FROM edunet_pollers WHERE seen_at > \(clock - ttl)", logger: Self.quiet
                ).decode(Int.self) { pollers = max(1, count) }
                var devices = 0
                for try await count in try await connection.query("SELECT count(*) FROM edunet_device_leases", logger: Self.quiet).decode(Int.self) {
                    devices = count
                }
                let share = (devices + pollers - 1) / pollers
                var held: [String: Int64] = [:]
                for try await (device, generation) in try await connection.query(
                    """
                    UPDATE edunet_device_leases SET expires_at = \(until) WHERE poller = \(poller) AND expires_at > \(clock)
                    RETURNING device, generation
                    """, logger: Self.quiet
                ).decode((String, Int64).self) { held[device] = generation }
                var released: [String] = []
                if held.count > share {
                    for try await device in try await connection.query(
                        """
                        UPDATE edunet_device_leases SET poller = NULL, expires_at = NULL WHERE device IN (
                            SELECT device FROM edunet_device_leases WHERE poller = \(poller) AND expires_at > \(clock)
                            ORDER BY device DESC LIMIT \(held.count - share))
                        RETURNING device
                        """, logger: Self.quiet
                    ).decode(String.self) {
                        released.append(device)
                        held[device] = nil
                    }
                }
                var taken: [String] = []
                if held.count < share {
                    for try await (device, generation) in try await connection.query(
                        """
                        UPDATE edunet_device_leases AS d SET poller = \(poller), expires_at = \(until), generation = d.generation + 1
                        FROM (SELECT device FROM edunet_device_leases WHERE poller IS NULL OR expires_at <= \(clock)
                              ORDER BY device FOR UPDATE SKIP LOCKED LIMIT \(share - held.count)) AS free
                        WHERE d.device = free.device
                        RETURNING d.device, d.generation
                        """, logger: Self.quiet
                    ).decode((String, Int64).self) {
                        taken.append(device)
                        held[device] = generation
                    }
                }
                return Step(held: held, taken: taken.sorted(), released: released.sorted(), pollers: pollers, share: share, until: until)
            }
        }
    }

    /// Gives back everything `poller` holds and takes it off the pollers alive (a clean stop): the others take its
    /// devices at their next step.
    public func release(poller: String) async throws(ClusterError) {
        try await database.perform("releasing poller \(poller)") { client in
            try await client.withTransaction(logger: Self.quiet) { connection in
                try await connection.query(
                    "UPDATE edunet_device_leases SET poller = NULL, expires_at = NULL WHERE poller = \(poller)", logger: Self.quiet)
                try await connection.query("DELETE FROM edunet_pollers WHERE name = \(poller)", logger: Self.quiet)
            }
        }
    }

    /// Every lease as it stands, device → (poller, expires at, generation): what an operator or a test reads.
    public func leases() async throws(ClusterError) -> [String: (poller: String?, expiresAt: Double?, generation: Int64)] {
        try await database.perform("reading the leases") { client in
            var leases: [String: (poller: String?, expiresAt: Double?, generation: Int64)] = [:]
            for try await (device, poller, expires, generation) in try await client.query(
                "SELECT device, poller, expires_at, generation FROM edunet_device_leases"
            ).decode((String, String?, Double?, Int64).self) { leases[device] = (poller, expires, generation) }
            return leases
        }
    }

    /// `now` as seconds since 1970, or the database's clock.
    static func time(_ now: Date?, _ connection: PostgresConnection) async throws -> Double {
        if let now { return now.timeIntervalSince1970 }
        for try await seconds in try await connection.query("SELECT extract(epoch FROM now())::double precision", logger: quiet).decode(Double.self) {
            return seconds
        }
        return Date().timeIntervalSince1970
    }

    static let quiet = Logger(label: "edunet.cluster.leases", factory: { _ in SwiftLogNoOpLogHandler() })
}
