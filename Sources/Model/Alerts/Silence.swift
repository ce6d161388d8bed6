import Foundation

/// Mutes notifications for alerts whose labels match every matcher, from `startsAt` to `endsAt`: a silence made
/// for a problem under way, or a maintenance window planned ahead. Alerts keep being recorded while muted.
public struct Silence: Sendable, Hashable, Codable, Identifiable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable { case silence, maintenance }

    public var id: Int64
    public var kind: Kind
    /// Label name → required value (`county` → `yongning`; a county's Chinese name is accepted by the CLI).
    public var matchers: [String: String]
    public var startsAt: Date
    public var endsAt: Date
    public var author: String
    public var reason: String
    public var createdAt: Date
    /// Set when someone ended it early.
    public var expiredAt: Date?

    public init(
        id: Int64 = 0, kind: Kind, matchers: [String: String], startsAt: Date, endsAt: Date, author: String, reason: String,
        createdAt: Date, expiredAt: Date? = nil
    ) {
        self.id = id
        self.kind = kind
        self.matchers = matchers
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.author = author
        self.reason = reason
        self.createdAt = createdAt
        self.expiredAt = expiredAt
    }

    /// In force at `now`.
    public func isActive(at now: Date) -> Bool { startsAt <= now && now < min(endsAt, expiredAt ?? .distantFuture) }

    public func matches(_ labels: [String: String]) -> Bool { matchers.allSatisfy { labels[$0.key] == $0.value } }
}
