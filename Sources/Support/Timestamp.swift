import Foundation

package enum Timestamp {
    /// "2026-11-29T17:03:12Z"
    package static func iso8601(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// The moment an `iso8601` string names; nil for anything else.
    package static func date(iso8601 text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    /// Another tool's ISO 8601 time ("2026-11-29T13:06:03.546401+00:00", or without an offset, meaning
    /// UTC) in perfjournal's one form, "2026-11-29T13:06:03Z"; nil when it is not such a time.
    package static func normalized(_ text: String) -> String? {
        var t = text.trimmingCharacters(in: .whitespaces)
        if let dot = t.firstIndex(of: "."), let end = t[dot...].dropFirst().firstIndex(where: { !$0.isNumber }) ?? Optional(t.endIndex) {
            t.removeSubrange(dot..<end)
        }
        let hasZone = t.hasSuffix("Z") || t.dropFirst(19).contains("+") || t.dropFirst(19).contains("-")
        return date(iso8601: hasZone ? t : t + "Z").map(iso8601)
    }

    /// "20261129T170312", for file names.
    package static func compact(_ date: Date) -> String {
        iso8601(date).filter { $0 != "-" && $0 != ":" && $0 != "Z" }
    }

    /// A commit time as "2026-11-29 17:03 +0100". Worked out by hand (a report shows thousands of them,
    /// and a DateFormatter costs about a millisecond to make); years outside 0...9999 go to DateFormatter.
    package static func commitTime(_ seconds: Int64, offsetMinutes: Int32) -> String {
        let local = seconds + Int64(offsetMinutes) * 60
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let (year, month, day) = civil(days: days)
        guard (0...9999).contains(year) else { return formatted(seconds, offsetMinutes: offsetMinutes) }
        let minuteOfDay = (local - days * 86_400) / 60
        let offset = abs(Int(offsetMinutes))
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let yearText = String(repeating: "0", count: 4 - String(year).count) + String(year)
        return "\(yearText)-\(two(month))-\(two(day)) \(two(minuteOfDay / 60)):\(two(minuteOfDay % 60)) "
            + "\(offsetMinutes < 0 ? "-" : "+")\(two(Int64(offset / 60)))\(two(Int64(offset % 60)))"
    }

    /// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's `civil_from_days`).
    static func civil(days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// `commitTime` by DateFormatter: the reference the hand-made one is tested against.
    static func formatted(_ seconds: Int64, offsetMinutes: Int32) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: Int(offsetMinutes) * 60)
        formatter.dateFormat = "yyyy-MM-dd HH:mm xx"
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }
}
