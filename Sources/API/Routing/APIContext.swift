import Hummingbird
import Model

/// The request context of the API: the token the request was authenticated with, set by `TokenAuthenticator`
/// before any route runs.
public struct APIContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var token: APIToken?

    public init(source: Source) {
        coreContext = .init(source: source)
    }
}
