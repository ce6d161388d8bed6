import Foundation

/// Rates for people: `950 bit/s`, `12.3 Mbit/s`, `2.50 Gbit/s`; an unknown rate is `—`, never `0`.
public enum RateText {
    public static func bitsPerSecond(_ value: Double?) -> String {
        guard let value else { return "—" }
        for (unit, size) in [("Tbit/s", 1e12), ("Gbit/s", 1e9), ("Mbit/s", 1e6), ("kbit/s", 1e3)] where value >= size {
            let scaled = value / size
            return (scaled >= 100 ? String(Int(scaled.rounded())) : String(format: scaled >= 10 ? "%.1f" : "%.2f", scaled)) + " " + unit
        }
        return "\(Int(value.rounded())) bit/s"
    }

    /// A fraction as a percentage with one decimal: `87.5 %`.
    public static func percent(_ fraction: Double?) -> String {
        guard let fraction else { return "—" }
        return String(format: "%.1f %%", fraction * 100)
    }
}
