import Foundation
internal import GRDB
import Model

/// The API's tokens, by the keyed hash of each (the token itself is shown once, when made, and never stored), and the
/// audit log of every write made through the API, with the token's name.
public final class APITokenStore: Sendable {
    public let database: StoreDatabase

    public init(database: StoreDatabase) {
        self.database = database
    }

    /// Stores a new token; `conflict` when its name is taken.
    public func create(_ token: APIToken, hash: Data) throws(StoreError) {
        try database.write("storing API token \(token.name)") { db in
            guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM api_tokens WHERE name = ?", arguments: [token.name]) == 0 else {
                throw StoreError(.conflict, "a token named `\(token.name)` exists; revoke it or choose another name")
            }
            try db.execute(
                sql: """
                    INSERT INTO api_tokens (name, hash, hint, scope, counties, created_at, expires_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    token.name, hash, token.hint, token.scope.rawValue, token.counties.joined(separator: ","), token.createdAt.timeIntervalSince1970,
                    token.expiresAt?.timeIntervalSince1970,
                ])
        }
    }

    /// The token whose keyed hash is `hash`; nil when there is none.
    public func token(hash: Data) throws(StoreError) -> APIToken? {
        try database.read { db in try Row.fetchOne(db, sql: "SELECT * FROM api_tokens WHERE hash = ?", arguments: [hash]).map(Self.token) }
    }

    /// Every token, revoked and expired ones too, by name.
    public func tokens() throws(StoreError) -> [APIToken] {
        try database.read { db in try Row.fetchAll(db, sql: "SELECT * FROM api_tokens ORDER BY name").map(Self.token) }
    }

    /// Revokes the token named `name` at `time`; `notFound` when there is no such token that is not revoked already.
    public func revoke(name: String, at time: Date) throws(StoreError) {
        try database.write("revoking API token \(name)") { db in
            try db.execute(
                sql: "UPDATE api_tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL", arguments: [time.timeIntervalSince1970, name])
            guard db.changesCount > 0 else {
                throw StoreError(.notFound, "no token `\(name)` in use; `edunet tokens list` lists them")
            }
        }
    }

    /// Appends one write made through the API to the audit log.
    public func audit(token: String, at time: Date, method: String, path: String, status: Int, detail: String) throws(StoreError) {
        try database.write("recording an API write") { db in
            try db.execute(
                sql: "INSERT INTO api_audit (at, token, method, path, status, detail) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [time.timeIntervalSince1970, token, method, path, status, detail])
        }
    }

    /// The API's audit log, oldest first: token, method, path, status and what was done.
    public func auditLog() throws(StoreError) -> [(at: Date, token: String, method: String, path: String, status: Int, detail: String)] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM api_audit ORDER BY id").map { row in
                (Date(timeIntervalSince1970: row["at"]), row["token"], row["method"], row["path"], row["status"], row["detail"])
            }
        }
    }

    private static func token(_ row: Row) -> APIToken {
        let counties: String = row["counties"]
        return APIToken(
            name: row["name"], hint: row["hint"], scope: APIScope(rawValue: row["scope"]) ?? .read,
            counties: counties.isEmpty ? [] : counties.split(separator: ",").map(String.init),
            createdAt: Date(timeIntervalSince1970: row["created_at"]),
            expiresAt: (row["expires_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
            revokedAt: (row["revoked_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
    }
}
