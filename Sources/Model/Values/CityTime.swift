import Foundation

/// Times as the city's people read them: in the city's zone (Yinchuan keeps Beijing time, UTC+8, no daylight
/// saving), with the zone stated, so that a report, an alert and the CLI never leave a reader guessing.
public enum CityTime {
    public static let zone = TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600)!

    /// `2026-12-01 08:30 UTC+8`.
    public static func minute(_ date: Date) -> String { format(date, "yyyy-MM-dd HH:mm") + " " + zoneName }

    /// `2026-12-01 08:30:15 UTC+8`.
    public static func second(_ date: Date) -> String { format(date, "yyyy-MM-dd HH:mm:ss") + " " + zoneName }

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
