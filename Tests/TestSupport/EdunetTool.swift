import Foundation

/// Runs one of the built executables (`edunet`, `edunetd`) as a user would, with posix_spawn and its output in
/// files, so that no pipe or run loop is involved: the one runner the test targets share.
public enum EdunetTool {
    /// What a run printed and how it ended.
    public struct Outcome: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// The folder holding the built products: the test bundle's own, else `.build/debug` of the package.
    public static var products: URL {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(), root.appendingPathComponent(".build/debug")]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("edunet").path) } ?? candidates[1]
    }

    /// Starts `tool` (the daemon) in the background in `directory`, its output in `log` (added to it with `append`, for
    /// a restart); returns its process id.
    public static func start(
        _ arguments: [String], tool: String = "edunetd", in directory: URL, environment: [String: String] = [:], log: String,
        append: Bool = false
    ) throws -> pid_t {
        try TestProcess.spawn(
            command(arguments, tool: tool, in: directory, environment: environment) + " \(append ? ">>" : ">") \(quote(log)) 2>&1 < /dev/null")
    }

    /// Sends SIGTERM, as systemd would, and returns the exit status.
    public static func stop(_ pid: pid_t) -> Int32 {
        kill(pid, SIGTERM)
        return (try? TestProcess.wait(pid)) ?? -1
    }

    /// Sends SIGTERM and waits for the exit without holding a thread; the exit status.
    public static func terminate(_ pid: pid_t) async -> Int32 {
        kill(pid, SIGTERM)
        return (try? await TestProcess.finish(pid)) ?? -1
    }

    /// Runs `tool` with `arguments` in `directory`, standard input from /dev/null, until it exits. It waits by sleeping
    /// between looks rather than in waitpid: a test must not hold one of the few threads the tests share (an in-process
    /// server of another test would wait on it).
    public static func execute(_ arguments: [String], tool: String = "edunet", in directory: URL, environment: [String: String] = [:]) async throws
        -> Outcome
    {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let pid = try TestProcess.spawn(scratch.command(command(arguments, tool: tool, in: directory, environment: environment)))
        return scratch.outcome(try await TestProcess.finish(pid))
    }

    /// Where a command's output goes, and what is read back from there.
    private struct Scratch {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edunet-run-\(UUID().uuidString)")
        var out: String { folder.appendingPathComponent("out").path }
        var err: String { folder.appendingPathComponent("err").path }

        init() throws { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }

        func command(_ command: String) -> String { command + " > \(quote(out)) 2> \(quote(err)) < /dev/null" }

        /// Read as bytes: String(contentsOfFile:) would drop a byte-order mark, which the CSV output has on purpose.
        func outcome(_ status: Int32) -> Outcome {
            func text(_ path: String) -> String { FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } ?? "" }
            return Outcome(status: status, stdout: text(out), stderr: text(err))
        }

        func remove() { try? FileManager.default.removeItem(at: folder) }
    }

    /// `cd DIRECTORY && NAME='value'… exec TOOL 'argument'…`, every word quoted for the shell.
    static func command(_ arguments: [String], tool: String, in directory: URL, environment: [String: String]) -> String {
        let env = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\(quote($0.value))" }.joined(separator: " ")
        return "cd \(quote(directory.path)) && \(env) exec \(quote(products.appendingPathComponent(tool).path)) "
            + arguments.map(quote).joined(separator: " ")
    }

    /// One word for the shell, whatever it holds.
    static func quote(_ word: String) -> String { "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
