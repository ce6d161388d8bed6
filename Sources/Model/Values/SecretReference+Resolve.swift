import Foundation

extension SecretReference {
    /// Why a secret could not be read, naming the variable or file and what to do.
    public struct ResolveError: Error, Sendable, CustomStringConvertible {
        /// Which way the secret could not be had, for callers that match it in `catch`.
        public struct Code: Sendable, Hashable {
            fileprivate enum Value: Sendable, Hashable { case unset, unreadable, empty }
            fileprivate let value: Value

            /// The environment variable is not set (or empty).
            public static let unset = Code(value: .unset)
            /// The file does not exist, may not be read by this user, or is not UTF-8.
            public static let unreadable = Code(value: .unreadable)
            /// The file is empty.
            public static let empty = Code(value: .empty)
        }

        public let code: Code
        public let description: String

        public init(_ code: Code, description: String) {
            self.code = code
            self.description = description
        }
    }

    /// The secret itself: the environment variable's value, or the file's contents without the final newline.
    /// The value is for immediate use; never log or store it.
    public func resolve(environment: [String: String] = ProcessInfo.processInfo.environment) throws(ResolveError) -> String {
        switch self {
        case .environment(let name):
            guard let value = environment[name], !value.isEmpty else {
                throw ResolveError(
                    .unset, description: "environment variable \(name) is not set; export it with the secret (it is never read from YAML)")
            }
            return value
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path), var text = String(data: data, encoding: .utf8) else {
                throw ResolveError(
                    .unreadable, description: "secret file \(path) cannot be read; check that it exists and that this user may read it")
            }
            while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
            guard !text.isEmpty else { throw ResolveError(.empty, description: "secret file \(path) is empty") }
            return text
        }
    }
}
