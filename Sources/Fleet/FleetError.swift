import Model
import Store

/// The error `Fleet` throws: what was wrong with a file, a request or the register, and what to do about it.
public struct FleetError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Sendable, Hashable {
        fileprivate enum Value: Sendable, Hashable { case invalidFile, unreadableFile, notFound, refused, store }
        fileprivate let value: Value

        /// An import file has problems (every one is in `diagnostics`); nothing was stored.
        public static let invalidFile = Code(value: .invalidFile)
        /// The file cannot be read or decoded.
        public static let unreadableFile = Code(value: .unreadableFile)
        /// A terminal, school, class or operation named does not exist.
        public static let notFound = Code(value: .notFound)
        /// The register does not allow the change (a transition not allowed, an undo after later changes).
        public static let refused = Code(value: .refused)
        /// The database failed; `storeError` says how.
        public static let store = Code(value: .store)
    }

    public let code: Code
    public let message: String
    public var diagnostics: [Diagnostic] = []
    public var storeError: StoreError?

    public init(_ code: Code, _ message: String, diagnostics: [Diagnostic] = []) {
        self.code = code
        self.message = message
        self.diagnostics = diagnostics
    }

    init(_ error: StoreError) {
        self.init(.store, error.message)
        storeError = error
    }

    public var description: String {
        diagnostics.isEmpty ? "error: \(message)" : diagnostics.map(\.description).joined(separator: "\n") + "\n" + message
    }
}
