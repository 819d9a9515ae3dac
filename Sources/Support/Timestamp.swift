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

    /// A commit time as "2026-11-29 17:03 +0100".
    package static func commitTime(_ seconds: Int64, offsetMinutes: Int32) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: Int(offsetMinutes) * 60)
        formatter.dateFormat = "yyyy-MM-dd HH:mm xx"
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }
}
