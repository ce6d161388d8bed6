/// The error the cluster's shared database gives: a URL that cannot be used, a server that cannot be reached or refuses
/// the login, or a statement that failed. One error with a code, so that the daemon and the CLI tell them apart.
public struct ClusterError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Sendable, Hashable {
        fileprivate enum Value: Sendable, Hashable { case invalidURL, unreachable, refused, statement }
        fileprivate let value: Value

        /// The database URL is not `postgres://USER@HOST:PORT/DATABASE`, or carries a password (it belongs in a secret).
        public static let invalidURL = Code(value: .invalidURL)
        /// Nothing answers at the URL's host and port.
        public static let unreachable = Code(value: .unreachable)
        /// The server answered and refused: the user, the password or the database.
        public static let refused = Code(value: .refused)
        /// A statement failed; the message says which and why.
        public static let statement = Code(value: .statement)
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "error: \(message)" }
}
