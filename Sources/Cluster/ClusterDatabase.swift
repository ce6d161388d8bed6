import Foundation
import Logging
import Model
import PostgresNIO

/// Where the pollers of a province meet: one PostgreSQL database, named by a URL without a password
/// (`postgres://edunet@db.example:5432/edunet`) and a secret reference for the password, so that neither the YAML nor a
/// log ever holds it. `run()` keeps the connection pool; the leases and the election go through it.
public struct ClusterDatabase: Sendable {
    public let client: PostgresClient
    /// `host:port/database`, for messages (never the password).
    public let place: String

    /// The parts of a database URL.
    public struct Address: Sendable, Hashable {
        public var user: String
        public var host: String
        public var port: Int
        public var database: String

        /// Parses `postgres://USER@HOST[:PORT]/DATABASE`; a password in the URL is refused, with where it belongs.
        public init(url text: String) throws(ClusterError) {
            guard let url = URLComponents(string: text), url.scheme == "postgres" || url.scheme == "postgresql" else {
                throw ClusterError(.invalidURL, "`\(Self.masked(text))` is not a database URL: write postgres://USER@HOST:PORT/DATABASE")
            }
            guard url.password == nil else {
                throw ClusterError(
                    .invalidURL,
                    "the database URL carries a password: leave it out (postgres://USER@HOST:PORT/DATABASE) and give it as a secret, "
                        + "database_password: {env: NAME} or {file: PATH}")
            }
            guard let user = url.user, !user.isEmpty, let host = url.host, !host.isEmpty else {
                throw ClusterError(.invalidURL, "`\(text)` names no user or host: write postgres://USER@HOST:PORT/DATABASE")
            }
            let database = String(url.path.drop { $0 == "/" })
            guard !database.isEmpty, !database.contains("/") else {
                throw ClusterError(.invalidURL, "`\(text)` names no database: write postgres://USER@HOST:PORT/DATABASE")
            }
            (self.user, self.host, self.port, self.database) = (user, host, url.port ?? 5432, database)
        }

        /// The URL with any password replaced by `***`, for a message about a URL that could not be parsed.
        static func masked(_ text: String) -> String {
            text.replacingOccurrences(of: #"//([^:/@]+):[^@]*@"#, with: "//$1:***@", options: .regularExpression)
        }
    }

    /// A pool on `address`, logging in with `password` (nil: the server trusts the user, as on a test's loopback).
    public init(address: Address, password: String?, logger: Logger = Logger(label: "edunet.cluster")) {
        var configuration = PostgresClient.Configuration(
            host: address.host, port: address.port, username: address.user, password: password, database: address.database, tls: .disable)
        configuration.options.connectTimeout = .seconds(5)
        client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        place = "\(address.host):\(address.port)/\(address.database)"
    }

    /// Runs the pool until the task is cancelled.
    public func run() async { await client.run() }

    /// `body` against the pool, its failures as `ClusterError`s that say where and what.
    func perform<T: Sendable>(_ what: String, _ body: (PostgresClient) async throws -> T) async throws(ClusterError) -> T {
        do { return try await body(client) } catch { throw Self.explain(error, what: what, place: place) }
    }

    /// A failure of PostgresNIO as one of ours: unreachable, refused (authentication, a missing database) or a statement.
    static func explain(_ error: any Error, what: String, place: String) -> ClusterError {
        if let error = error as? ClusterError { return error }
        if let error = error as? PSQLError {
            switch error.code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection:
                return ClusterError(.unreachable, "PostgreSQL at \(place) cannot be reached while \(what); check that it runs and listens there")
            case .server:
                let state = error.serverInfo?[.sqlState] ?? ""
                let said = error.serverInfo?[.message] ?? "refused"
                // 28xxx: invalid authorization; 3D000: no such database.
                if state.hasPrefix("28") || state == "3D000" {
                    return ClusterError(.refused, "PostgreSQL at \(place) refused the login: \(said)")
                }
                return ClusterError(.statement, "PostgreSQL at \(place) refused a statement while \(what): \(said) (SQLSTATE \(state))")
            default:
                break
            }
        }
        return ClusterError(.unreachable, "PostgreSQL at \(place) failed while \(what): \(String(reflecting: error))")
    }
}
