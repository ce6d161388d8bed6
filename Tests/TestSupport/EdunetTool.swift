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

    /// Runs `tool` with `arguments` in `directory`, standard input from /dev/null, until it exits.
    public static func run(_ arguments: [String], tool: String = "edunet", in directory: URL, environment: [String: String] = [:]) throws -> Outcome {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("edunet-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let out = scratch.appendingPathComponent("out").path
        let err = scratch.appendingPathComponent("err").path
        let env = environment.map { "\($0.key)='\($0.value)'" }.joined(separator: " ")
        let command =
            "cd '\(directory.path)' && \(env) exec '\(products.appendingPathComponent(tool).path)' "
            + arguments.map { "'\($0)'" }.joined(separator: " ") + " > '\(out)' 2> '\(err)' < /dev/null"
        let status = try TestProcess.wait(try TestProcess.spawn(command))
        return Outcome(
            status: status, stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
    }
}
