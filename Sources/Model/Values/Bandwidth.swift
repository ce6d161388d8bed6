import Foundation

/// A data rate in bits per second, written in files and tables the way engineers say it: `2.5G`, `100M`.
public struct Bandwidth: Hashable, Comparable, TextualValue {
    public var bitsPerSecond: UInt64

    public init(bitsPerSecond: UInt64) { self.bitsPerSecond = bitsPerSecond }

    public static func megabits(_ value: Double) -> Bandwidth { Bandwidth(bitsPerSecond: UInt64(value * 1e6)) }
    public static func gigabits(_ value: Double) -> Bandwidth { Bandwidth(bitsPerSecond: UInt64(value * 1e9)) }

    /// Parses `5G`, `2.5G`, `100M`, `10Gbit/s`, `100Mbps`, `64k` or a plain number of bits per second.
    public init?(_ text: String) {
        var body = Substring(text.trimmingCharacters(in: .whitespaces))
        for suffix in ["bit/s", "bps", "b/s"] where body.lowercased().hasSuffix(suffix) {
            body = body.dropLast(suffix.count)
            break
        }
        let multipliers: [Character: Double] = ["k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12]
        var multiplier = 1.0
        if let last = body.last, let m = multipliers[last] {
            multiplier = m
            body = body.dropLast()
        }
        guard let number = Double(body.trimmingCharacters(in: .whitespaces)), number >= 0, number.isFinite else {
            return nil
        }
        let bits = number * multiplier
        guard bits < Double(UInt64.max), bits == bits.rounded() else { return nil }
        self.bitsPerSecond = UInt64(bits)
    }

    /// The shortest exact form: `5G`, `2.5G`, `100M`, `1500k`, `12`.
    public var description: String {
        for (unit, size) in [("T", 1e12), ("G", 1e9), ("M", 1e6), ("k", 1e3)] {
            let value = Double(bitsPerSecond) / size
            if value >= 1, (value * 1000).rounded() == value * 1000 {
                return Self.trim(value) + unit
            }
        }
        return String(bitsPerSecond)
    }

    private static func trim(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    public static func < (lhs: Bandwidth, rhs: Bandwidth) -> Bool { lhs.bitsPerSecond < rhs.bitsPerSecond }
}
