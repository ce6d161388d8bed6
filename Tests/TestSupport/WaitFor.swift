import Foundation

/// Waits up to `seconds` (20) for `condition`, checking every 50 ms; `diagnosis` says what was seen instead. Tests wait for what
/// they need to see, not for a fixed time; the wait suspends rather than blocks, so that the servers running in the
/// test process (a webhook receiver) keep answering meanwhile.
package func waitFor(
    _ what: String, within seconds: TimeInterval = 20, diagnosis: () -> String = { "" }, _ condition: () throws -> Bool
) async throws {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    throw WaitTimedOut(description: "timed out waiting for \(what)\n\(diagnosis())")
}

/// What `waitFor` throws when its condition did not come true: the test fails with what was seen.
package struct WaitTimedOut: Error, CustomStringConvertible {
    package let description: String

    package init(description: String) { self.description = description }
}
