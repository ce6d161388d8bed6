import Foundation

/// Runs shell commands for the tests with posix_spawn and waitpid, output to files: no pipes, no run loop
/// (Foundation's Process was seen to wait forever when called from a test task).
public enum TestProcess {
    public struct SpawnFailed: Error {
        public let code: Int32
    }

    public static func spawn(_ command: String) throws -> pid_t {
        var pid: pid_t = 0
        let shell: [String] = ["/bin/sh", "-c", command]
        var argv: [UnsafeMutablePointer<CChar>?] = shell.map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        let code = posix_spawn(&pid, "/bin/sh", nil, nil, &argv, environ)
        guard code == 0 else { throw SpawnFailed(code: code) }
        return pid
    }

    /// Waits for the process and returns its exit status.
    public static func wait(_ pid: pid_t) throws -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return (status >> 8) & 0xFF
    }

    /// Waits for the process by sleeping between looks, not in waitpid, and returns its exit status: a test must not
    /// hold one of the few threads the tests share (on 2 cores, two), or an in-process server of another test waits on
    /// it. Cancelled, or still running after `seconds` (a process that must exit, such as a daemon refusing its
    /// configuration), it is killed and the wait throws: a test never hangs on it.
    public static func finish(_ pid: pid_t, within seconds: Double? = nil) async throws -> Int32 {
        let deadline = seconds.map { Date().addingTimeInterval($0) }
        var status = status(ifExited: pid)
        while status == nil {
            do {
                if let deadline, Date() > deadline { throw WaitTimedOut(description: "process \(pid) still ran after \(seconds ?? 0) s") }
                try await Task.sleep(for: .milliseconds(20))
            } catch {
                kill(pid, SIGKILL)
                _ = try? wait(pid)
                throw error
            }
            status = self.status(ifExited: pid)
        }
        return status ?? -1
    }

    /// Runs `command` to its end: its exit status and what it printed (stdout and stderr together). It waits by
    /// sleeping between looks, not in waitpid: a long command must not hold one of the few threads the tests share.
    public static func run(_ command: String) async throws -> (status: Int32, output: String) {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("edunet-command-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        let status = try await finish(try spawn("\(command) > '\(log)' 2>&1 < /dev/null"))
        return (status, FileManager.default.contents(atPath: log).map { String(decoding: $0, as: UTF8.self) } ?? "")
    }

    /// The exit status if the process has ended (it is reaped then), nil while it runs.
    public static func status(ifExited pid: pid_t) -> Int32? {
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
        return (status >> 8) & 0xFF
    }
}
