import Foundation

/// The days school is in, as the fleet rules count them: Monday to Friday in the city's time zone. A day is
/// numbered as `yyyymmdd` (`20261201`), which sorts and reads as a date.
public enum SchoolDays {
    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = CityTime.zone
        return calendar
    }()

    /// The city day of `date` as `yyyymmdd`.
    public static func day(of date: Date) -> Int {
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return c.year! * 10_000 + c.month! * 100 + c.day!
    }

    /// Midnight (city time) starting the day `yyyymmdd`.
    public static func start(ofDay day: Int) -> Date {
        calendar.date(from: DateComponents(year: day / 10_000, month: day / 100 % 100, day: day % 100))!
    }

    /// The last `count` school days up to and including the day of `date` (when that is one), newest first.
    public static func last(_ count: Int, upTo date: Date) -> [Int] {
        var days: [Int] = []
        var cursor = calendar.startOfDay(for: date)
        while days.count < count {
            let weekday = calendar.component(.weekday, from: cursor)  // 1 = Sunday, 7 = Saturday
            if weekday != 1 && weekday != 7 { days.append(day(of: cursor)) }
            cursor = calendar.date(byAdding: .day, value: -1, to: cursor)!
        }
        return days
    }
}
