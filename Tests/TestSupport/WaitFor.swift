import Foundation

/// Waits up to 20 s for `condition`; `diagnosis` says what was seen instead.
package func waitFor(_ what: String, diagnosis: () -> String = { "" }, _ condition: () throws -> Bool) throws {
    let deadline = Date().addingTimeInterval(20)
    while Date() < deadline {
        if try condition() { return }
        usleep(50_000)
    }
    throw WaitTimedOut(description: "timed out waiting for \(what)\n\(diagnosis())")
}

/// What `waitFor` throws when its condition did not come true: the test fails with what was seen.
package struct WaitTimedOut: Error, CustomStringConvertible {
    package let description: String
}
