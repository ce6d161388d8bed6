import Foundation

/// Times as the city's people read them: in the city's zone (Yinchuan keeps Beijing time, UTC+8, no daylight
/// saving), with the zone stated, so that a report, an alert and the CLI never leave a reader guessing.
public enum CityTime {
    public static let zone = TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600)!

    /// `2026-12-01 08:30 UTC+8`.
    public static func minute(_ date: Date) -> String { format(date, "yyyy-MM-dd HH:mm") + " " + zoneName }

    /// `20261202-0830`: in ids a person reads and types (fleet operations, provisioning plans).
    public static func stamp(_ date: Date) -> String { format(date, "yyyyMMdd-HHmm") }

    /// `2026-12-01 08:30:15 UTC+8`.
    public static func second(_ date: Date) -> String { format(date, "yyyy-MM-dd HH:mm:ss") + " " + zoneName }

    /// A span in its two largest units, as a person reads an uptime: `12 d 3 h`, `3 h 5 m`, `4 m 10 s`, `42 s`.
    public static func span(_ seconds: Double) -> String {
        let whole = Int(max(0, seconds))
        let (days, hours, minutes) = (whole / 86_400, whole % 86_400 / 3_600, whole % 3_600 / 60)
        if days > 0 { return "\(days) d \(hours) h" }
        if hours > 0 { return "\(hours) h \(minutes) m" }
        if minutes > 0 { return "\(minutes) m \(whole % 60) s" }
        return "\(whole) s"
    }

    /// `UTC+8`.
    public static var zoneName: String {
        let seconds = zone.secondsFromGMT()
        let hours = seconds / 3600
        let minutes = abs(seconds % 3600) / 60
        return "UTC" + (hours >= 0 ? "+" : "") + String(hours) + (minutes == 0 ? "" : String(format: ":%02d", minutes))
    }

    private static func format(_ date: Date, _ pattern: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = pattern
        return formatter.string(from: date)
    }
}
