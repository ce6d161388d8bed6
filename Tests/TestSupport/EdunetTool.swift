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

    /// Runs `tool` with `arguments` in `directory`, standard input from /dev/null, until it exits.
    public static func run(_ arguments: [String], tool: String = "edunet", in directory: URL, environment: [String: String] = [:]) throws -> Outcome {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("edunet-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let out = scratch.appendingPathComponent("out").path
        let err = scratch.appendingPathComponent("err").path
        let status = try TestProcess.wait(
            try TestProcess.spawn(
                command(arguments, tool: tool, in: directory, environment: environment) + " > \(quote(out)) 2> \(quote(err)) < /dev/null"))
        // Read as bytes: String(contentsOfFile:) would drop a byte-order mark, which the CSV output has on purpose.
        func text(_ path: String) -> String { FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } ?? "" }
        return Outcome(status: status, stdout: text(out), stderr: text(err))
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
