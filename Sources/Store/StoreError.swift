/// The error `Store` throws: what went wrong with the database and what to do about it.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Sendable, Hashable {
        fileprivate enum Value: Sendable, Hashable { case cannotOpen, readFailed, noInventory, notFound, writeFailed, corrupt, conflict }
        fileprivate let value: Value

        /// The database file cannot be opened or migrated.
        public static let cannotOpen = Code(value: .cannotOpen)
        /// A read of an open database failed (busy past the timeout, an I/O error): nothing was changed; try again.
        public static let readFailed = Code(value: .readFailed)
        /// No inventory revision has been applied yet.
        public static let noInventory = Code(value: .noInventory)
        /// The requested entity does not exist in the current revision.
        public static let notFound = Code(value: .notFound)
        /// A write failed and was rolled back; what was stored before is intact.
        public static let writeFailed = Code(value: .writeFailed)
        /// Stored data could not be decoded.
        public static let corrupt = Code(value: .corrupt)
        /// What a change was planned against has changed since (another operation came first): nothing was written;
        /// plan again.
        public static let conflict = Code(value: .conflict)
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
