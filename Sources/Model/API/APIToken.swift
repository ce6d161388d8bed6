import Foundation

/// What an API token may do: read; operate (acknowledge and silence alerts, apply what an operator applies); admin.
/// Each includes the ones before it.
public enum APIScope: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case read, operate, admin

    public static func < (lhs: APIScope, rhs: APIScope) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// An API token as the store keeps it: never the token itself, only its keyed hash (in the store) and the first
/// characters, so that people can tell their tokens apart. A token scoped to counties sees and acts on those only.
public struct APIToken: Sendable, Hashable, Codable {
    public var name: String
    /// The token's first characters (`edn_3kQ9`), for listings.
    public var hint: String
    public var scope: APIScope
    /// The counties it is limited to; empty: the whole city.
    public var counties: [String]
    public var createdAt: Date
    public var expiresAt: Date?
    public var revokedAt: Date?

    public init(name: String, hint: String, scope: APIScope, counties: [String], createdAt: Date, expiresAt: Date?, revokedAt: Date? = nil) {
        self.name = name
        self.hint = hint
        self.scope = scope
        self.counties = counties
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }

    /// Why the token cannot be used at `now` (revoked, expired); nil when it can.
    public func refusal(at now: Date) -> String? {
        if let revokedAt { return "revoked at \(CityTime.minute(revokedAt))" }
        if let expiresAt, expiresAt <= now { return "expired at \(CityTime.minute(expiresAt))" }
        return nil
    }

    /// True when the token may see what belongs to `county` (nil: the city's own, such as the backbone's core).
    public func admits(county: String?) -> Bool {
        counties.isEmpty || county.map(counties.contains) == true
    }
}
