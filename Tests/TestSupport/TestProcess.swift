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

    /// Runs `command` to its end: its exit status and what it printed (stdout and stderr together). It waits by
    /// sleeping between looks, not in waitpid: a long command must not hold one of the few threads the tests share.
    public static func run(_ command: String) async throws -> (status: Int32, output: String) {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("edunet-command-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        let pid = try spawn("\(command) > '\(log)' 2>&1 < /dev/null")
        var status = self.status(ifExited: pid)
        while status == nil {
            do { try await Task.sleep(for: .milliseconds(100)) } catch {
                // Cancelled (a time limit): the command goes with the test.
                kill(pid, SIGKILL)
                _ = try? wait(pid)
                throw error
            }
            status = self.status(ifExited: pid)
        }
        return (status ?? -1, FileManager.default.contents(atPath: log).map { String(decoding: $0, as: UTF8.self) } ?? "")
    }

    /// The exit status if the process has ended (it is reaped then), nil while it runs.
    public static func status(ifExited pid: pid_t) -> Int32? {
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
        return (status >> 8) & 0xFF
    }
}
