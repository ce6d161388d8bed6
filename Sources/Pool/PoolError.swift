import Model
import Store

/// The error `Pool` throws: a request admission control refused, a name that does not exist, or the store failing.
public struct PoolError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Sendable, Hashable {
        fileprivate enum Value: Sendable, Hashable { case invalidRequest, notFound, refused, store }
        fileprivate let value: Value

        /// The request itself is wrong (a size without a unit, a negative figure): nothing was stored.
        public static let invalidRequest = Code(value: .invalidRequest)
        /// A tenant, site, service or allocation named does not exist.
        public static let notFound = Code(value: .notFound)
        /// Admission control refused the allocation; `message` gives the reason and the figures.
        public static let refused = Code(value: .refused)
        /// The database failed; the message says how.
        public static let store = Code(value: .store)
    }

    public let code: Code
    public let message: String
    /// The request's field at fault (`tenant`, `site`, `service`, `resources`), for a request that names what does
    /// not exist or asks for nothing.
    public let field: String?

    public init(_ code: Code, _ message: String, field: String? = nil) {
        self.code = code
        self.message = message
        self.field = field
    }

    init(_ error: StoreError) { self.init(error.code == .notFound ? .notFound : .store, error.message) }

    public var description: String { "error: \(message)" }
}
