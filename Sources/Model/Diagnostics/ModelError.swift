/// The error `Model` throws when the inventory or policies cannot be used: every diagnostic found, in file order.
public struct ModelError: Error, Sendable, CustomStringConvertible {
    /// What kind of input was at fault.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        fileprivate enum Value: Sendable, Hashable { case invalidInventory, invalidPolicies, invalidDaemonConfiguration }
        fileprivate let value: Value

        public static let invalidInventory = Code(value: .invalidInventory)
        public static let invalidPolicies = Code(value: .invalidPolicies)
        public static let invalidDaemonConfiguration = Code(value: .invalidDaemonConfiguration)

        public var description: String {
            switch value {
            case .invalidInventory: "invalid inventory"
            case .invalidPolicies: "invalid policies"
            case .invalidDaemonConfiguration: "invalid daemon configuration"
            }
        }
    }

    public let code: Code
    public let diagnostics: [Diagnostic]

    public init(code: Code, diagnostics: [Diagnostic]) {
        self.code = code
        self.diagnostics = diagnostics
    }

    public var description: String {
        let count = diagnostics.count
        let lines = diagnostics.map(\.description).joined(separator: "\n")
        return "\(lines)\n\(code): \(count) problem\(count == 1 ? "" : "s")"
    }
}
