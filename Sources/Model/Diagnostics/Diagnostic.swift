/// One problem found in the inventory or the policies: where it is, what is wrong and what to do about it.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    /// Where the problem is; `nil` only for problems with no place in a file (a missing file).
    public var location: SourceLocation?
    public var message: String
    /// What the user can do to fix it.
    public var help: String?
    /// An error stops the input being used; a warning is told and the input is used.
    public var isWarning = false

    public init(_ message: String, at location: SourceLocation?, help: String? = nil, isWarning: Bool = false) {
        self.location = location
        self.message = message
        self.help = help
        self.isWarning = isWarning
    }

    /// `file:line:column: error: message` (or `warning:`), followed by an indented `help:` line when there is advice.
    public var description: String {
        let kind = isWarning ? "warning" : "error"
        var text = location.map { "\($0): \(kind): \(message)" } ?? "\(kind): \(message)"
        if let help { text += "\n    help: \(help)" }
        return text
    }
}

extension Array where Element == Diagnostic {
    /// Diagnostics in file order, those without a place first.
    public func sortedByLocation() -> [Diagnostic] {
        sorted { lhs, rhs in
            switch (lhs.location, rhs.location) {
            case (let l?, let r?): return l < r
            case (nil, _?): return true
            default: return false
            }
        }
    }
}

/// Collects diagnostics while a set of files is read, so that every problem is reported at once.
final class DiagnosticLog {
    private(set) var diagnostics: [Diagnostic] = []

    func error(_ message: String, at location: SourceLocation?, help: String? = nil) {
        diagnostics.append(Diagnostic(message, at: location, help: help))
    }
}
