import Foundation
import Hummingbird
import Model
import Store

/// Authenticates every request under `/api/v1` but the document itself: a bearer token of EduNet's form whose keyed
/// hash the store knows, neither revoked nor expired, within its rate. Anything else is a 401 (or a 429) before a route
/// runs; the token is put in the context for the one place that scopes what it sees (`CityView`).
public struct TokenAuthenticator: RouterMiddleware {
    public typealias Context = APIContext
    let store: APITokenStore
    let key: TokenKey
    let limiter: RateLimiter
    let now: @Sendable () -> Date

    public init(store: APITokenStore, key: TokenKey, limiter: RateLimiter, now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.key = key
        self.limiter = limiter
        self.now = now
    }

    /// The name of the dashboard's cookie, which holds the token it was logged in with.
    public static let cookie = "edunet_token"

    public func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard path.hasPrefix(APIRoutes.base + "/"), path != APIRoutes.base + "/openapi.json" else { return try await next(request, context) }
        let secret: String
        if let header = request.headers[.authorization], header.hasPrefix("Bearer ") {
            secret = String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)
        } else if request.method == .get, let cookie = request.cookies[Self.cookie] {
            // The dashboard's own links (the ledger CSV); its cookie is SameSite=Strict, and never for writes.
            secret = cookie.value
        } else {
            throw Problem.unauthorized("no token: send `Authorization: Bearer edn_…` (`edunet tokens create` makes one)")
        }
        var context = context
        context.token = try await verify(secret)
        return try await next(request, context)
    }

    /// The token `secret` stands for, if it is one in use and within its rate; else the problem to answer with.
    public func verify(_ secret: String) async throws(Problem) -> APIToken {
        guard TokenCodec.isWellFormed(secret) else { throw Problem.unauthorized("not an EduNet token (its form or checksum is wrong)") }
        let token: APIToken?
        do { token = try store.token(hash: TokenCodec.hash(secret, key: key)) } catch {
            throw Problem(.serviceUnavailable, "the token store could not be read: \(error.message)")
        }
        guard let token else { throw Problem.unauthorized("unknown token") }
        if let refusal = token.refusal(at: now()) { throw Problem.unauthorized("token `\(token.name)` \(refusal)") }
        if let wait = await limiter.admit(token.name, at: now()) {
            throw Problem(
                .tooManyRequests, "token `\(token.name)` is over its rate of \(limiter.perMinute) requests a minute",
                headers: [.retryAfter: String(Int(wait.rounded(.up)))])
        }
        return token
    }
}

/// Requests a minute per token, as a token bucket: a burst of a minute's worth, refilled evenly.
public actor RateLimiter {
    public nonisolated let perMinute: Int
    private var buckets: [String: (tokens: Double, at: Date)] = [:]

    public init(perMinute: Int) {
        self.perMinute = perMinute
    }

    /// nil when a request of `name` may go now (and counts it), else the seconds until one may.
    func admit(_ name: String, at now: Date) -> Double? {
        let rate = Double(perMinute) / 60
        var bucket = buckets[name] ?? (Double(perMinute), now)
        bucket.tokens = min(Double(perMinute), bucket.tokens + now.timeIntervalSince(bucket.at) * rate)
        bucket.at = now
        defer { buckets[name] = bucket }
        guard bucket.tokens >= 1 else { return (1 - bucket.tokens) / rate }
        bucket.tokens -= 1
        return nil
    }
}
