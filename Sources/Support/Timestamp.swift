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

    /// "20261129T170312", for file names.
    package static func compact(_ date: Date) -> String {
        iso8601(date).filter { $0 != "-" && $0 != ":" && $0 != "Z" }
    }

    /// A commit time as "2026-11-29 17:03 +0100".
    package static func commitTime(_ seconds: Int64, offsetMinutes: Int32) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: Int(offsetMinutes) * 60)
        formatter.dateFormat = "yyyy-MM-dd HH:mm xx"
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }
}
