import Foundation
import Testing

/// Headless Chromium (Debian's `chromium`, installed by scripts/setup.sh) on a page the test wrote: its DOM after
/// load, or a screenshot.
package enum Chromium {
    package static let binary = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// Runs headless Chromium on `page` with `arguments`, its output in `output`; its exit status. Waits without holding
    /// one of the few threads the tests share.
    package static func run(_ arguments: String, page: URL, output: URL) async throws -> Int32 {
        let binary = try #require(binary, "headless Chromium is needed: scripts/setup.sh installs the Debian package `chromium`")
        let (status, said) = try await TestProcess.run(
            "HOME=/tmp timeout 120 '\(binary)' --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \(arguments) 'file://\(page.path)' 2>/dev/null"
        )
        try said.write(to: output, atomically: true, encoding: .utf8)
        return status
    }
}
