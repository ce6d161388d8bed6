import Foundation
import Hummingbird
import Model
import SNMP
import Store

/// What the daemon's HTTP server needs to serve the API: the routes over the configuration in force and the
/// database, and the authenticator in front of them.
public struct APIService: Sendable {
    public let routes: APIRoutes
    public let authenticator: TokenAuthenticator

    /// The API over `database` with the token key beside it (made if there is none yet, so that the daemon serves the
    /// API before the first token is made), `perMinute` requests a minute a token; plans go through `engine`.
    public static func make(
        database: StoreDatabase, path: String, configuration: ConfigurationInForce, engine: SNMPEngine, perMinute: Int = 600
    ) throws(TokenKeyError) -> APIService {
        let key = try TokenKey.beside(database: path, create: true)
        return APIService(
            routes: APIRoutes(configuration: { await configuration.value }, database: database, engine: engine),
            authenticator: TokenAuthenticator(store: APITokenStore(database: database), key: key, limiter: RateLimiter(perMinute: perMinute)))
    }

    public init(routes: APIRoutes, authenticator: TokenAuthenticator) {
        self.routes = routes
        self.authenticator = authenticator
    }

    /// Puts the authenticator, the routes and the dashboard on `router`.
    public func register(on router: Router<APIContext>) {
        router.addMiddleware { authenticator }
        routes.register(on: router)
        DashboardRoutes(routes: routes, authenticator: authenticator).register(on: router)
    }
}

/// The configuration the daemon has in force, replaced by each reload; the API reads it per request.
public actor ConfigurationInForce {
    public private(set) var value: CityConfiguration

    public init(_ value: CityConfiguration) {
        self.value = value
    }

    public func update(_ configuration: CityConfiguration) { value = configuration }
}
