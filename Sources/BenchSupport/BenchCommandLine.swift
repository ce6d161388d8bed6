import Foundation

/// The command line of a benchmark executable (`NAME ARGUMENT… [--option N]…`): integer options taken out by
/// name with their defaults, the positional arguments left, and the process's CPU time. The benchmarks share it
/// so that each says only what it measures.
public struct BenchCommandLine {
    /// What is left once the options are taken: the positional arguments.
    public private(set) var arguments: [String]

    public init(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) { self.arguments = arguments }

    /// `--name N`, taken out of the arguments; `fallback` when absent or not a number.
    public mutating func option(_ name: String, _ fallback: Int) -> Int {
        guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count, let value = Int(arguments[index + 1]) else {
            return fallback
        }
        arguments.removeSubrange(index...(index + 1))
        return value
    }

    /// Prints the usage line and exits with 64 (wrong usage).
    public static func usage(_ line: String) -> Never {
        FileHandle.standardError.write(Data("usage: \(line)\n".utf8))
        exit(64)
    }

    /// CPU seconds this process has used, user and system (CLOCK_PROCESS_CPUTIME_ID: nanoseconds, every thread).
    public static func processCPU() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// Runs one step of a benchmark and prints `step=… seconds=… cpu=… rows=…` (wall and CPU seconds); a failing
    /// step stops the benchmark with `tool`'s name and the error.
    public static func measure(_ tool: String, _ step: String, rows: Int, _ body: () throws -> Void) {
        let started = Started()
        do { try body() } catch { started.fail(tool, step, error) }
        started.report(step, rows: rows)
    }

    /// `measure` for a step that waits (SNMP requests).
    nonisolated(nonsending) public static func measure(_ tool: String, _ step: String, rows: Int, _ body: () async throws -> Void) async {
        let started = Started()
        do { try await body() } catch { started.fail(tool, step, error) }
        started.report(step, rows: rows)
    }

    /// When a step started, on the wall clock and in CPU time.
    private struct Started {
        let clock = ContinuousClock()
        let cpu = processCPU()
        let start = ContinuousClock().now

        func fail(_ tool: String, _ step: String, _ error: any Error) -> Never {
            FileHandle.standardError.write(Data("\(tool): \(step): \(error)\n".utf8))
            exit(1)
        }

        func report(_ step: String, rows: Int) {
            let wall = clock.now - start
            let seconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
            print("step=\(step) seconds=\(seconds) cpu=\(processCPU() - cpu) rows=\(rows)")
        }
    }
}
