import Support

/// A TOML 1.0 reader that keeps the line of every key, so a config error can say where it is.
/// Hand-written rather than a dependency: it is small, builds fast, and no TOML package reports lines.
/// Every problem throws `PerfJournalError(.config, file:, "line N: ...")`; no input makes it trap.
public enum TOML {
    /// Parses a whole document. `file` is only used to name the file in errors.
    public static func parse(_ text: String, file: String) throws -> TOMLTable {
        var parser = TOMLParser(bytes: Array(text.utf8), file: file)
        return try parser.parseDocument()
    }

    /// Parses raw file bytes, rejecting invalid UTF-8 (which TOML forbids) with the line it is on.
    public static func parse(bytes: [UInt8], file: String) throws -> TOMLTable {
        if String(validating: bytes, as: UTF8.self) == nil {
            var line = 1
            for lineBytes in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
                if String(validating: lineBytes, as: UTF8.self) == nil { break }
                line += 1
            }
            throw PerfJournalError(.config, file: file, "line \(line): not valid UTF-8")
        }
        var parser = TOMLParser(bytes: bytes, file: file)
        return try parser.parseDocument()
    }
}

/// The parser's own mutable tree. TOML's rules on redefining tables depend on how each table came
/// to exist, so that is recorded until the document is done and frozen into `TOMLTable`.
private final class TableNode {
    enum Origin {
        /// Created as the parent of a `[a.b]` header; may still be defined once by its own header.
        case implicit
        /// Defined by its own `[header]` or as an element of `[[array]]`.
        case header
        /// Created by a dotted key (`a.b = 1`); only further dotted keys in the same place may add to it.
        case dotted
    }

    enum Entry {
        case value(TOMLValue)
        case table(TableNode)
        case tableArray(TableArrayNode)
    }

    var origin: Origin
    var line: Int
    var order: [String] = []
    var entries: [String: Entry] = [:]

    init(origin: Origin, line: Int) {
        self.origin = origin
        self.line = line
    }

    func add(_ key: String, _ entry: Entry) {
        order.append(key)
        entries[key] = entry
    }

    func frozen() -> TOMLTable {
        var table = TOMLTable()
        for key in order {
            switch entries[key] {
            case .value(let v): table.set(key, v)
            case .table(let node): table.set(key, TOMLValue(.table(node.frozen()), line: node.line))
            case .tableArray(let array):
                let elements = array.tables.map { TOMLValue(.table($0.frozen()), line: $0.line) }
                table.set(key, TOMLValue(.array(elements), line: array.line))
            case nil: break
            }
        }
        return table
    }
}

private final class TableArrayNode {
    var tables: [TableNode]
    let line: Int

    init(first: TableNode) {
        tables = [first]
        line = first.line
    }
}

struct TOMLParser {
    private let bytes: [UInt8]
    private let file: String
    private var pos = 0
    /// Offsets where each line starts, to turn an offset into a line number only when one is needed.
    private let lineStarts: [Int]
    /// Arrays and inline tables nest by recursion; cap it so hostile input throws instead of overflowing the stack.
    private var depth = 0
    private static let maxDepth = 128

    init(bytes: [UInt8], file: String) {
        // A UTF-8 byte-order mark is not part of the document.
        let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        self.bytes = body
        self.file = file
        var starts = [0]
        for (i, b) in body.enumerated() where b == UInt8(ascii: "\n") { starts.append(i + 1) }
        lineStarts = starts
    }

    static func isBareKeyByte(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x5F || b == 0x2D
    }

    // MARK: - Document

    mutating func parseDocument() throws -> TOMLTable {
        let root = TableNode(origin: .header, line: 1)
        var current = root
        while true {
            skipWhitespace()
            guard let b = peek() else { break }
            switch b {
            case UInt8(ascii: "#"):
                try skipComment()
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                try consumeNewline()
            case UInt8(ascii: "["):
                current = try parseHeader(root: root)
                try expectLineEnd(after: "table header")
            default:
                let line = currentLine
                let key = try parseKey()
                try expect(UInt8(ascii: "="), "'=' after key \(display(key))")
                skipWhitespace()
                let value = try parseValue(line: line)
                try insert(value, at: key, into: current, line: line)
                try expectLineEnd(after: "value")
            }
        }
        return root.frozen()
    }

    /// `[a.b]` or `[[a.b]]`; returns the table that following keys go into.
    private mutating func parseHeader(root: TableNode) throws -> TableNode {
        let line = currentLine
        let isArray = peek(1) == UInt8(ascii: "[")
        pos += isArray ? 2 : 1
        skipWhitespace()
        let key = try parseKey()
        if isArray {
            guard peek() == UInt8(ascii: "]"), peek(1) == UInt8(ascii: "]") else {
                if peek() == UInt8(ascii: "]") { pos += 1 }
                throw error("expected ']]' to close [[\(display(key))]], found \(describeHere())")
            }
            pos += 2
        } else {
            try expect(UInt8(ascii: "]"), "']' to close [\(display(key))]")
        }

        var table = root
        for (i, part) in key.dropLast().enumerated() {
            switch table.entries[part] {
            case nil:
                let node = TableNode(origin: .implicit, line: line)
                table.add(part, .table(node))
                table = node
            case .table(let node):
                table = node
            case .tableArray(let array):
                guard let last = array.tables.last else { throw error("internal: empty array of tables") }
                table = last
            case .value(let v):
                throw error("'\(display(Array(key[...i])))' is already a value (line \(v.line)), not a table")
            }
        }
        guard let last = key.last else { throw error("empty table name") }
        let name = display(key)
        switch table.entries[last] {
        case nil:
            let node = TableNode(origin: .header, line: line)
            table.add(last, isArray ? .tableArray(TableArrayNode(first: node)) : .table(node))
            return node
        case .table(let node):
            if isArray {
                throw error("[[\(name)]] names a table already defined on line \(node.line)")
            }
            switch node.origin {
            case .implicit:
                node.origin = .header
                node.line = line
                return node
            case .header:
                throw error("table [\(name)] is defined twice (first on line \(node.line))")
            case .dotted:
                throw error("table [\(name)] was already defined by dotted keys on line \(node.line)")
            }
        case .tableArray(let array):
            guard isArray else {
                throw error("[\(name)] names an array of tables defined on line \(array.line)")
            }
            let node = TableNode(origin: .header, line: line)
            array.tables.append(node)
            return node
        case .value(let v):
            throw error("'\(name)' is already defined as a value on line \(v.line)")
        }
    }

    /// Puts `value` at the dotted `key` inside `table`, creating the intermediate dotted tables.
    private func insert(_ value: TOMLValue, at key: [String], into table: TableNode, line: Int) throws {
        var table = table
        for (i, part) in key.dropLast().enumerated() {
            switch table.entries[part] {
            case nil:
                let node = TableNode(origin: .dotted, line: line)
                table.add(part, .table(node))
                table = node
            case .table(let node) where node.origin == .dotted:
                table = node
            case .table(let node):
                throw error("cannot add '\(display(key))': table '\(display(Array(key[...i])))' was defined on line \(node.line)")
            case .tableArray(let array):
                throw error("cannot add '\(display(key))': '\(display(Array(key[...i])))' is an array of tables (line \(array.line))")
            case .value(let v):
                throw error("cannot add '\(display(key))': '\(display(Array(key[...i])))' is already a value (line \(v.line))")
            }
        }
        guard let last = key.last else { throw error("empty key") }
        if let existing = table.entries[last] {
            let firstLine: Int
            switch existing {
            case .value(let v): firstLine = v.line
            case .table(let node): firstLine = node.line
            case .tableArray(let array): firstLine = array.line
            }
            throw error("duplicate key '\(display(key))' (first defined on line \(firstLine))")
        }
        table.add(last, .value(value))
    }

    // MARK: - Keys

    /// A dotted key; leaves the position after trailing whitespace.
    private mutating func parseKey() throws -> [String] {
        var parts: [String] = []
        while true {
            skipWhitespace()
            parts.append(try parseSimpleKey())
            skipWhitespace()
            guard peek() == UInt8(ascii: ".") else { return parts }
            pos += 1
        }
    }

    private mutating func parseSimpleKey() throws -> String {
        switch peek() {
        case UInt8(ascii: "\""):
            if peek(1) == UInt8(ascii: "\""), peek(2) == UInt8(ascii: "\"") {
                throw error("a key cannot be a multi-line string")
            }
            return try parseBasicString()
        case UInt8(ascii: "'"):
            if peek(1) == UInt8(ascii: "'"), peek(2) == UInt8(ascii: "'") {
                throw error("a key cannot be a multi-line string")
            }
            return try parseLiteralString()
        default:
            let start = pos
            while let b = peek(), Self.isBareKeyByte(b) { pos += 1 }
            guard pos > start else { throw error("expected a key, found \(describeHere())") }
            return String(decoding: bytes[start..<pos], as: UTF8.self)
        }
    }

    // MARK: - Values

    private mutating func parseValue(line: Int) throws -> TOMLValue {
        guard let b = peek() else { throw error("expected a value, found end of file") }
        switch b {
        case UInt8(ascii: "\""):
            if peek(1) == UInt8(ascii: "\""), peek(2) == UInt8(ascii: "\"") {
                return TOMLValue(.string(try parseMultilineString(quote: b)), line: line)
            }
            return TOMLValue(.string(try parseBasicString()), line: line)
        case UInt8(ascii: "'"):
            if peek(1) == UInt8(ascii: "'"), peek(2) == UInt8(ascii: "'") {
                return TOMLValue(.string(try parseMultilineString(quote: b)), line: line)
            }
            return TOMLValue(.string(try parseLiteralString()), line: line)
        case UInt8(ascii: "["):
            return try nested { try $0.parseArray(line: line) }
        case UInt8(ascii: "{"):
            return try nested { try $0.parseInlineTable(line: line) }
        case UInt8(ascii: "t") where hasPrefix("true"):
            pos += 4
            return TOMLValue(.boolean(true), line: line)
        case UInt8(ascii: "f") where hasPrefix("false"):
            pos += 5
            return TOMLValue(.boolean(false), line: line)
        default:
            return TOMLValue(try parseNumberOrDate(), line: line)
        }
    }

    private mutating func nested(_ body: (inout TOMLParser) throws -> TOMLValue) throws -> TOMLValue {
        guard depth < Self.maxDepth else { throw error("arrays or inline tables nested too deeply") }
        depth += 1
        defer { depth -= 1 }
        return try body(&self)
    }

    private mutating func parseArray(line: Int) throws -> TOMLValue {
        let startLine = currentLine
        pos += 1
        var items: [TOMLValue] = []
        while true {
            try skipWhitespaceCommentsAndNewlines()
            guard let b = peek() else { throw error("unterminated array (opened on line \(startLine))") }
            if b == UInt8(ascii: "]") {
                pos += 1
                break
            }
            items.append(try parseValue(line: currentLine))
            try skipWhitespaceCommentsAndNewlines()
            switch peek() {
            case UInt8(ascii: ","): pos += 1
            case UInt8(ascii: "]"):
                pos += 1
                return TOMLValue(.array(items), line: line)
            case nil: throw error("unterminated array (opened on line \(startLine))")
            default: throw error("expected ',' or ']' in array, found \(describeHere())")
            }
        }
        return TOMLValue(.array(items), line: line)
    }

    private mutating func parseInlineTable(line: Int) throws -> TOMLValue {
        pos += 1
        let node = TableNode(origin: .dotted, line: line)
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            pos += 1
            return TOMLValue(.table(node.frozen()), line: line)
        }
        while true {
            let keyLine = currentLine
            let key = try parseKey()
            try expect(UInt8(ascii: "="), "'=' after key \(display(key))")
            skipWhitespace()
            let value = try parseValue(line: keyLine)
            try insert(value, at: key, into: node, line: keyLine)
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): pos += 1
            case UInt8(ascii: "}"):
                pos += 1
                return TOMLValue(.table(node.frozen()), line: line)
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                throw error("an inline table must be closed on the line it starts ('}' missing)")
            default:
                throw error("expected ',' or '}' in inline table, found \(describeHere())")
            }
        }
    }

    // MARK: - Strings

    private mutating func parseBasicString() throws -> String {
        let startLine = currentLine
        pos += 1
        var out: [UInt8] = []
        while true {
            guard let b = peek() else { throw error("unterminated string (opened on line \(startLine))") }
            switch b {
            case UInt8(ascii: "\""):
                pos += 1
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try parseEscape(into: &out)
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                throw error("unterminated string (a \"...\" string must end on its line)")
            default:
                try checkStringByte(b)
                out.append(b)
                pos += 1
            }
        }
    }

    private mutating func parseLiteralString() throws -> String {
        pos += 1
        let start = pos
        while true {
            guard let b = peek() else { throw error("unterminated string") }
            switch b {
            case UInt8(ascii: "'"):
                let s = String(decoding: bytes[start..<pos], as: UTF8.self)
                pos += 1
                return s
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                throw error("unterminated string (a '...' string must end on its line)")
            default:
                try checkStringByte(b)
                pos += 1
            }
        }
    }

    /// `"""..."""` (escapes) or `'''...'''` (none), by `quote`.
    private mutating func parseMultilineString(quote: UInt8) throws -> String {
        let startLine = currentLine
        let isBasic = quote == UInt8(ascii: "\"")
        pos += 3
        // A newline right after the opening quotes is not part of the string.
        if peek() == UInt8(ascii: "\n") {
            pos += 1
        } else if peek() == UInt8(ascii: "\r"), peek(1) == UInt8(ascii: "\n") {
            pos += 2
        }
        var out: [UInt8] = []
        while true {
            guard let b = peek() else { throw error("unterminated multi-line string (opened on line \(startLine))") }
            if b == quote {
                var run = 0
                while peek(run) == quote { run += 1 }
                if run >= 3 {
                    // Up to two quotes may sit right before the closing three.
                    guard run <= 5 else { throw error("too many quotes closing a multi-line string") }
                    out.append(contentsOf: repeatElement(quote, count: run - 3))
                    pos += run
                    return String(decoding: out, as: UTF8.self)
                }
                out.append(contentsOf: repeatElement(quote, count: run))
                pos += run
            } else if b == UInt8(ascii: "\\") && isBasic {
                if try skipLineEndingBackslash() { continue }
                try parseEscape(into: &out)
            } else if b == UInt8(ascii: "\n") {
                out.append(b)
                pos += 1
            } else if b == UInt8(ascii: "\r") {
                guard peek(1) == UInt8(ascii: "\n") else { throw error("carriage return not followed by a newline") }
                out.append(UInt8(ascii: "\n"))
                pos += 2
            } else {
                try checkStringByte(b)
                out.append(b)
                pos += 1
            }
        }
    }

    /// In `"""` strings a backslash ending a line joins it to the next, dropping the whitespace between.
    private mutating func skipLineEndingBackslash() throws -> Bool {
        var j = pos + 1
        while j < bytes.count, bytes[j] == UInt8(ascii: " ") || bytes[j] == UInt8(ascii: "\t") { j += 1 }
        let atNewline =
            j < bytes.count
            && (bytes[j] == UInt8(ascii: "\n")
                || (bytes[j] == UInt8(ascii: "\r") && j + 1 < bytes.count && bytes[j + 1] == UInt8(ascii: "\n")))
        guard atNewline else { return false }
        pos = j
        while let b = peek() {
            if b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\n") {
                pos += 1
            } else if b == UInt8(ascii: "\r"), peek(1) == UInt8(ascii: "\n") {
                pos += 2
            } else {
                break
            }
        }
        return true
    }

    private mutating func parseEscape(into out: inout [UInt8]) throws {
        pos += 1
        guard let e = peek() else { throw error("unterminated string") }
        pos += 1
        switch e {
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "\""): out.append(e)
        case UInt8(ascii: "\\"): out.append(e)
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let count = e == UInt8(ascii: "u") ? 4 : 8
            guard pos + count <= bytes.count,
                let hex = String(validating: bytes[pos..<pos + count], as: UTF8.self),
                hex.utf8.allSatisfy({ Self.hexValue($0) != nil }),
                let value = UInt32(hex, radix: 16)
            else {
                throw error("\\\(Character(Unicode.Scalar(e))) must be followed by \(count) hex digits")
            }
            guard let scalar = Unicode.Scalar(value) else {
                throw error("\\\(Character(Unicode.Scalar(e)))\(hex) is not a Unicode scalar value")
            }
            out.append(contentsOf: Array(String(Character(scalar)).utf8))
            pos += count
        default:
            pos -= 1
            if e >= 0x20 && e < 0x7F {
                throw error("invalid escape '\\\(describeByte(e, quoted: false))' in string")
            }
            throw error("invalid escape: a backslash followed by \(describeByte(e, quoted: false)) in string")
        }
    }

    private func checkStringByte(_ b: UInt8) throws {
        if (b < 0x20 && b != 0x09) || b == 0x7F {
            throw error("control character U+\(hex4(b)) must be escaped in a string")
        }
    }

    // MARK: - Numbers and dates

    private mutating func parseNumberOrDate() throws -> TOMLValue.Content {
        let start = pos
        func isTokenByte(_ b: UInt8) -> Bool {
            Self.isBareKeyByte(b) || b == UInt8(ascii: "+") || b == UInt8(ascii: ".") || b == UInt8(ascii: ":")
        }
        while let b = peek(), isTokenByte(b) { pos += 1 }
        // "1979-05-27 07:32:00": a date and a time may be separated by one space.
        if pos - start == 10, peek() == UInt8(ascii: " "), let d = peek(1), Self.isDigit(d), peek(3) == UInt8(ascii: ":"),
            Self.isDate(bytes[start..<pos])
        {
            pos += 1
            while let b = peek(), isTokenByte(b) { pos += 1 }
        }
        guard pos > start else { throw error("expected a value, found \(describeHere())") }
        let token = Array(bytes[start..<pos])
        let text = String(decoding: token, as: UTF8.self)
        let tokenLine = lineOf(start)

        switch text {
        case "inf", "+inf": return .float(.infinity)
        case "-inf": return .float(-.infinity)
        case "nan", "+nan", "-nan": return .float(.nan)
        default: break
        }
        let looksLikeTime = token.count >= 5 && token[2] == UInt8(ascii: ":")
        let looksLikeDate = token.count >= 10 && token[4] == UInt8(ascii: "-") && Self.number(token[...], from: 0, count: 4) != nil
        if looksLikeTime || looksLikeDate {
            guard Self.isDateTime(token) else { throw error(line: tokenLine, "invalid date or time '\(text)'") }
            return .dateTime(text)
        }
        if token.count > 2, token[0] == UInt8(ascii: "0"),
            let radix = [UInt8(ascii: "x"): 16, UInt8(ascii: "o"): 8, UInt8(ascii: "b"): 2][token[1]]
        {
            let digits = Array(token[2...])
            guard Self.validDigits(digits[...], { Self.hexValue($0).map { $0 < radix } ?? false }) else {
                throw error(line: tokenLine, "invalid number '\(text)'")
            }
            let clean = String(decoding: digits.filter { $0 != UInt8(ascii: "_") }, as: UTF8.self)
            guard let value = Int64(clean, radix: radix) else {
                throw error(line: tokenLine, "integer '\(text)' does not fit in 64 bits")
            }
            return .integer(value)
        }
        return try parseDecimal(token, text: text, line: tokenLine)
    }

    /// Decimal integer or float: sign? int ('.' digits)? ([eE] sign? digits)?, `_` only between digits,
    /// no leading zeros in the integer part.
    private func parseDecimal(_ token: [UInt8], text: String, line: Int) throws -> TOMLValue.Content {
        let bad = error(line: line, "invalid value '\(text)' (not a number, string, boolean, date, array or table)")
        var i = 0
        if i < token.count, token[i] == UInt8(ascii: "+") || token[i] == UInt8(ascii: "-") { i += 1 }
        let intStart = i
        func digitRun() -> Bool {
            let start = i
            while i < token.count, Self.isDigit(token[i]) || token[i] == UInt8(ascii: "_") { i += 1 }
            return Self.validDigits(token[start..<i], Self.isDigit)
        }
        guard digitRun() else { throw bad }
        if i - intStart > 1, token[intStart] == UInt8(ascii: "0") {
            throw error(line: line, "leading zeros are not allowed in '\(text)'")
        }
        var isFloat = false
        if i < token.count, token[i] == UInt8(ascii: ".") {
            i += 1
            isFloat = true
            guard digitRun() else { throw bad }
        }
        if i < token.count, token[i] == UInt8(ascii: "e") || token[i] == UInt8(ascii: "E") {
            i += 1
            isFloat = true
            if i < token.count, token[i] == UInt8(ascii: "+") || token[i] == UInt8(ascii: "-") { i += 1 }
            guard digitRun() else { throw bad }
        }
        guard i == token.count else { throw bad }
        let clean = String(decoding: token.filter { $0 != UInt8(ascii: "_") }, as: UTF8.self)
        if isFloat {
            guard let d = Double(clean) else { throw bad }
            return .float(d)
        }
        guard let n = Int64(clean) else { throw error(line: line, "integer '\(text)' does not fit in 64 bits") }
        return .integer(n)
    }

    /// Non-empty, every `_` between two digits.
    private static func validDigits(_ s: ArraySlice<UInt8>, _ isDigit: (UInt8) -> Bool) -> Bool {
        guard let first = s.first, let last = s.last, isDigit(first), isDigit(last) else { return false }
        var previousUnderscore = false
        for b in s {
            if b == UInt8(ascii: "_") {
                if previousUnderscore { return false }
                previousUnderscore = true
            } else {
                guard isDigit(b) else { return false }
                previousUnderscore = false
            }
        }
        return true
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    private static func hexValue(_ b: UInt8) -> Int? {
        switch b {
        case 0x30...0x39: return Int(b - 0x30)
        case 0x41...0x46: return Int(b - 0x41 + 10)
        case 0x61...0x66: return Int(b - 0x61 + 10)
        default: return nil
        }
    }

    /// The number made of `count` digits at `s[from...]`, or nil if any is not a digit.
    private static func number(_ s: ArraySlice<UInt8>, from: Int, count: Int) -> Int? {
        let start = s.startIndex + from
        guard start + count <= s.endIndex else { return nil }
        var n = 0
        for b in s[start..<start + count] {
            guard isDigit(b) else { return nil }
            n = n * 10 + Int(b - 0x30)
        }
        return n
    }

    /// YYYY-MM-DD with a real day of that month.
    private static func isDate(_ s: ArraySlice<UInt8>) -> Bool {
        guard s.count == 10, s[s.startIndex + 4] == UInt8(ascii: "-"), s[s.startIndex + 7] == UInt8(ascii: "-"),
            let y = number(s, from: 0, count: 4), let m = number(s, from: 5, count: 2),
            let d = number(s, from: 8, count: 2), (1...12).contains(m)
        else { return false }
        let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        return (1...days).contains(d)
    }

    /// HH:MM:SS(.fraction)?, then the rest (an offset, when allowed) is returned for the caller.
    private static func timeLength(_ s: ArraySlice<UInt8>) -> Int? {
        guard s.count >= 8, s[s.startIndex + 2] == UInt8(ascii: ":"), s[s.startIndex + 5] == UInt8(ascii: ":"),
            let h = number(s, from: 0, count: 2), let m = number(s, from: 3, count: 2),
            let sec = number(s, from: 6, count: 2), h <= 23, m <= 59, sec <= 60
        else { return nil }
        var n = 8
        if s.count > 8, s[s.startIndex + 8] == UInt8(ascii: ".") {
            n = 9
            while s.startIndex + n < s.endIndex, isDigit(s[s.startIndex + n]) { n += 1 }
            guard n > 9 else { return nil }
        }
        return n
    }

    /// Offset date-time, local date-time, local date, or local time (RFC 3339 as TOML 1.0 allows it).
    private static func isDateTime(_ token: [UInt8]) -> Bool {
        let s = token[...]
        if s.count >= 3, s[2] == UInt8(ascii: ":") {
            return timeLength(s) == s.count
        }
        guard s.count >= 10, isDate(s.prefix(10)) else { return false }
        if s.count == 10 { return true }
        let separator = s[10]
        guard separator == UInt8(ascii: "T") || separator == UInt8(ascii: "t") || separator == UInt8(ascii: " ") else { return false }
        let time = s.dropFirst(11)
        guard let n = timeLength(time) else { return false }
        let offset = time.dropFirst(n)
        if offset.isEmpty { return true }
        if offset.count == 1 { return offset.first == UInt8(ascii: "Z") || offset.first == UInt8(ascii: "z") }
        guard offset.count == 6, offset.first == UInt8(ascii: "+") || offset.first == UInt8(ascii: "-"),
            offset[offset.startIndex + 3] == UInt8(ascii: ":"),
            let h = number(offset, from: 1, count: 2), let m = number(offset, from: 4, count: 2)
        else { return false }
        return h <= 23 && m <= 59
    }

    // MARK: - Whitespace, comments, line ends

    private func peek(_ ahead: Int = 0) -> UInt8? {
        pos + ahead < bytes.count ? bytes[pos + ahead] : nil
    }

    private func hasPrefix(_ s: String) -> Bool {
        let p = Array(s.utf8)
        return pos + p.count <= bytes.count && bytes[pos..<pos + p.count].elementsEqual(p)
    }

    private mutating func skipWhitespace() {
        while let b = peek(), b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") { pos += 1 }
    }

    private mutating func skipComment() throws {
        guard peek() == UInt8(ascii: "#") else { return }
        while let b = peek(), b != UInt8(ascii: "\n") {
            if b == UInt8(ascii: "\r"), peek(1) == UInt8(ascii: "\n") { return }
            if (b < 0x20 && b != 0x09) || b == 0x7F {
                throw error("control character U+\(hex4(b)) in a comment")
            }
            pos += 1
        }
    }

    private mutating func consumeNewline() throws {
        if peek() == UInt8(ascii: "\n") {
            pos += 1
        } else if peek() == UInt8(ascii: "\r"), peek(1) == UInt8(ascii: "\n") {
            pos += 2
        } else {
            throw error("carriage return not followed by a newline")
        }
    }

    private mutating func skipWhitespaceCommentsAndNewlines() throws {
        while true {
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: "#"): try skipComment()
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"): try consumeNewline()
            default: return
            }
        }
    }

    /// After a value or header only a comment may follow on the same line.
    private mutating func expectLineEnd(after what: String) throws {
        skipWhitespace()
        try skipComment()
        guard let b = peek() else { return }
        guard b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") else {
            throw error("expected the end of the line after the \(what), found \(describeHere())")
        }
        try consumeNewline()
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws {
        guard peek() == byte else { throw error("expected \(what), found \(describeHere())") }
        pos += 1
    }

    // MARK: - Errors

    private var currentLine: Int { lineOf(pos) }

    private func lineOf(_ offset: Int) -> Int {
        // The number of line starts at or before `offset`.
        var lo = 0, hi = lineStarts.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if lineStarts[mid] <= offset { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    private func error(_ message: String) -> PerfJournalError {
        error(line: currentLine, message)
    }

    private func error(line: Int, _ message: String) -> PerfJournalError {
        PerfJournalError(.config, file: file, "line \(line): \(message)")
    }

    private func display(_ key: [String]) -> String {
        key.map(TOMLValue.key).joined(separator: ".")
    }

    private func describeHere() -> String {
        guard let b = peek() else { return "end of file" }
        if b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") { return "end of line" }
        if b >= 0x80 {
            let scalarBytes = bytes[pos..<min(pos + 4, bytes.count)]
            if let c = String(decoding: scalarBytes, as: UTF8.self).first { return "'\(c)'" }
        }
        return describeByte(b, quoted: true)
    }

    private func describeByte(_ b: UInt8, quoted: Bool) -> String {
        if b >= 0x20 && b < 0x7F {
            let c = String(Character(Unicode.Scalar(b)))
            return quoted ? "'\(c)'" : c
        }
        return "U+\(hex4(b))"
    }

    private func hex4(_ b: UInt8) -> String {
        let h = String(b, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - h.count) + h
    }
}
