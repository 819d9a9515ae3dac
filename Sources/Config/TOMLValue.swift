/// A value read from a TOML document, with the line it was written on so that config errors can
/// point at it. Dates and times are kept as their text: perfjournal never needs to compute with them.
public struct TOMLValue: Sendable, Equatable {
    public enum Content: Sendable, Equatable {
        case string(String)
        case integer(Int64)
        case float(Double)
        case boolean(Bool)
        /// Offset date-time, local date-time, local date or local time, exactly as written.
        case dateTime(String)
        case array([TOMLValue])
        case table(TOMLTable)
    }

    public var content: Content
    /// 1-based line of the key (or of the `[header]` for tables).
    public var line: Int

    public init(_ content: Content, line: Int) {
        self.content = content
        self.line = line
    }

    public var string: String? {
        if case .string(let s) = content { return s }
        return nil
    }

    public var integer: Int64? {
        if case .integer(let i) = content { return i }
        return nil
    }

    /// Integers count as numbers too: `timeout = 1800` means 1800.0.
    public var number: Double? {
        switch content {
        case .integer(let i): return Double(i)
        case .float(let d): return d
        default: return nil
        }
    }

    public var boolean: Bool? {
        if case .boolean(let b) = content { return b }
        return nil
    }

    public var array: [TOMLValue]? {
        if case .array(let a) = content { return a }
        return nil
    }

    public var table: TOMLTable? {
        if case .table(let t) = content { return t }
        return nil
    }

    /// The value as it would be written in TOML, for error messages ("got 2", "got \"x\"").
    public var tomlText: String {
        switch content {
        case .string(let s): return TOMLValue.quoted(s)
        case .integer(let i): return String(i)
        case .float(let d):
            if d.isNaN { return "nan" }
            if d.isInfinite { return d < 0 ? "-inf" : "inf" }
            return String(d)
        case .boolean(let b): return b ? "true" : "false"
        case .dateTime(let s): return s
        case .array(let a): return "[" + a.map(\.tomlText).joined(separator: ", ") + "]"
        case .table(let t):
            let items = t.keys.compactMap { k in t[k].map { TOMLValue.key(k) + " = " + $0.tomlText } }
            return "{" + items.joined(separator: ", ") + "}"
        }
    }

    /// A TOML basic string literal for `s`, escaping what must be escaped.
    public static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// A key as written in TOML: bare when it can be, quoted otherwise.
    public static func key(_ k: String) -> String {
        let bare = !k.isEmpty && k.utf8.allSatisfy { TOMLParser.isBareKeyByte($0) }
        return bare ? k : quoted(k)
    }
}

/// A TOML table: its keys in the order they were first written, and their values.
public struct TOMLTable: Sendable, Equatable {
    public private(set) var keys: [String] = []
    private var values: [String: TOMLValue] = [:]

    public init() {}

    public subscript(key: String) -> TOMLValue? {
        values[key]
    }

    /// Follows a dotted path of keys through nested tables; `nil` when any step is missing or not a table.
    public func value(at path: [String]) -> TOMLValue? {
        guard let first = path.first, let v = values[first] else { return nil }
        if path.count == 1 { return v }
        return v.table?.value(at: Array(path.dropFirst()))
    }

    /// Adds or replaces `key`, keeping its first position.
    public mutating func set(_ key: String, _ value: TOMLValue) {
        if values.updateValue(value, forKey: key) == nil { keys.append(key) }
    }
}
