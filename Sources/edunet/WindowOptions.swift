import ArgumentParser
import Foundation

/// The window a command reads measurements over: `--window` ending now (or at `--to`), or `--from`…`--to`. One
/// parser, so that `links list` and `report bandwidth` given the same options read the same intervals.
struct WindowOptions: ParsableArguments {
    @Option(help: "The window ending now (or at --to): 30m, 24h, 7d, 30d.") var window: String?
    @Option(help: "Start of the window (ISO 8601, e.g. 2026-11-01T00:00:00Z) instead of --window.") var from: String?
    @Option(help: "End of the window (ISO 8601); default now.") var to: String?

    /// `[from, to)`, with `defaultWindow` when neither --window nor --from is given.
    func interval(defaultWindow: String, now: Date = Date()) throws -> (from: Date, to: Date) {
        let parser = ISO8601DateFormatter()
        let end =
            try to.map { text in
                guard let date = parser.date(from: text) else {
                    throw ValidationError("--to `\(text)` is not an ISO 8601 time, e.g. 2026-11-29T00:00:00Z")
                }
                return date
            } ?? now
        if let from {
            guard window == nil else { throw ValidationError("give --window or --from, not both") }
            guard let start = parser.date(from: from) else {
                throw ValidationError("--from `\(from)` is not an ISO 8601 time, e.g. 2026-11-01T00:00:00Z")
            }
            guard start < end else { throw ValidationError("--from must be before --to") }
            return (start, end)
        }
        let text = window ?? defaultWindow
        guard let seconds = Self.seconds(text) else { throw ValidationError("--window `\(text)` takes a number and a unit: 30m, 24h or 7d") }
        return (end.addingTimeInterval(-seconds), end)
    }

    /// `30m`, `24h`, `7d`, `90s` in seconds.
    static func seconds(_ text: String) -> TimeInterval? {
        let units: [Character: TimeInterval] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        guard let unit = text.last, let size = units[unit], let value = Double(text.dropLast()), value > 0 else { return nil }
        return value * size
    }
}
