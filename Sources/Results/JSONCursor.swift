import Foundation

/// A pull reader over the scanner `JSONValue.parse` uses: the caller walks the document and reads each
/// value into its own types, so a big document of known shape (a profile note: a row per function, 300
/// per benchmark) is never turned into a tree of `JSONValue`s first. Syntax errors are `JSONParseError`s;
/// `peek()` lets the caller check a value's kind before reading it.
package struct JSONCursor {
    package enum Kind: Equatable, Sendable { case object, array, string, number, bool, null }

    private var parser: JSONParser
    /// The strings `repeatedString()` made, to hand out again.
    private var repeated = RepeatedStrings()

    private init(_ parser: JSONParser) {
        self.parser = parser
    }

    /// Runs `body` on a cursor at the start of `data`; anything but whitespace after what it read is an error.
    package static func read<T>(_ data: Data, _ body: (inout JSONCursor) throws -> T) throws -> T {
        try data.withUnsafeBytes { try read($0, body) }
    }

    /// As `read(_:_:)`, on bytes lent by the caller (a note as libgit2 read it).
    package static func read<T>(_ bytes: UnsafeRawBufferPointer, _ body: (inout JSONCursor) throws -> T) throws -> T {
        var cursor = JSONCursor(JSONParser(bytes: bytes.bindMemory(to: UInt8.self)))
        let result = try body(&cursor)
        cursor.parser.skipWhitespace()
        if cursor.parser.index < cursor.parser.bytes.count { throw cursor.parser.garbled("unexpected text after the document") }
        return result
    }

    /// The kind of the next value; nil at the end of the document or before something that is not a value.
    package mutating func peek() -> Kind? {
        parser.skipWhitespace()
        guard parser.index < parser.bytes.count else { return nil }
        switch parser.bytes[parser.index] {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "N"), UInt8(ascii: "I"): return .number
        default: return nil
        }
    }

    /// Enters the object here (`peek() == .object`); then `nextMember()` until it returns nil.
    package mutating func enterObject() throws { try enter(UInt8(ascii: "{")) }

    /// Enters the array here (`peek() == .array`); then `nextElement()` until it returns false.
    package mutating func enterArray() throws { try enter(UInt8(ascii: "[")) }

    /// The name of the open object's next member, the cursor then at its value (which the caller reads or
    /// skips); nil after the last, the object closed.
    package mutating func nextMember() throws -> String? {
        guard try next(close: UInt8(ascii: "}")) else { return nil }
        guard parser.bytes[parser.index] == UInt8(ascii: "\"") else { throw parser.garbled("expected a quoted member name") }
        let name = try parser.parseString()
        parser.skipWhitespace()
        guard parser.index < parser.bytes.count else { throw parser.truncated() }
        guard parser.bytes[parser.index] == UInt8(ascii: ":") else { throw parser.garbled("expected ':' after member name") }
        parser.index += 1
        return name
    }

    /// True with the cursor at the open array's next element (which the caller reads or skips); false
    /// after the last, the array closed.
    package mutating func nextElement() throws -> Bool {
        try next(close: UInt8(ascii: "]"))
    }

    /// A container was just entered: its first element needs no comma.
    private var atFirst = false

    private mutating func enter(_ open: UInt8) throws {
        parser.skipWhitespace()
        guard parser.index < parser.bytes.count else { throw parser.truncated() }
        guard parser.bytes[parser.index] == open else { throw parser.garbled("expected '\(UnicodeScalar(open))'") }
        parser.depth += 1
        guard parser.depth <= JSONParser.maxDepth else { throw parser.garbled("nested too deeply") }
        parser.index += 1
        atFirst = true
    }

    /// Past the comma before the next item, or past `close` (false). Every nested container the caller
    /// read was closed by then, so one flag says whether this is the first item.
    private mutating func next(close: UInt8) throws -> Bool {
        parser.skipWhitespace()
        guard parser.index < parser.bytes.count else { throw parser.truncated() }
        let byte = parser.bytes[parser.index]
        if byte == close {
            parser.index += 1
            parser.depth -= 1
            atFirst = false
            return false
        }
        if atFirst {
            atFirst = false
        } else {
            guard byte == UInt8(ascii: ",") else { throw parser.garbled("expected ',' or '\(UnicodeScalar(close))'") }
            parser.index += 1
            parser.skipWhitespace()
            guard parser.index < parser.bytes.count else { throw parser.truncated() }
        }
        return true
    }

    /// The string here (`peek() == .string`).
    package mutating func string() throws -> String {
        parser.skipWhitespace()
        guard parser.index < parser.bytes.count, parser.bytes[parser.index] == UInt8(ascii: "\"") else { throw parser.garbled("expected a string") }
        return try parser.parseString()
    }

    /// The string here (`peek() == .string`), for strings a document repeats (a profile's file and function
    /// names, in a row per function): a string without escapes that this cursor already made is found by
    /// its bytes and handed out again, with no new String to validate, copy or allocate.
    package mutating func repeatedString() throws -> String {
        parser.skipWhitespace()
        let bytes = parser.bytes
        guard parser.index < bytes.count, bytes[parser.index] == UInt8(ascii: "\"") else { throw parser.garbled("expected a string") }
        let start = parser.index + 1
        var end = start
        var hash = RepeatedStrings.seed
        while end < bytes.count {
            let byte = bytes[end]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            hash = RepeatedStrings.mix(hash, byte)
            end += 1
        }
        // Escapes, control characters and truncation: the ordinary path decodes or reports them.
        guard end < bytes.count, bytes[end] == UInt8(ascii: "\"") else { return try parser.parseString() }
        parser.index = end + 1
        return repeated.string(UnsafeBufferPointer(rebasing: bytes[start..<end]), hash: hash)
    }

    /// The number here (`peek() == .number`), NaN and Infinity included.
    package mutating func number() throws -> Double {
        parser.skipWhitespace()
        // Straight to the number's reader (as `parseValue` would go), with no `JSONValue` on the way.
        if parser.index < parser.bytes.count, parser.isDigit(parser.bytes[parser.index]) || parser.bytes[parser.index] == UInt8(ascii: "-") {
            return try parser.parseNumber()
        }
        guard case .number(let x) = try parser.parseValue() else { throw parser.garbled("expected a number") }
        return x
    }

    /// Reads past the value here, whatever it is, checking its syntax but building nothing.
    package mutating func skip() throws {
        parser.skipWhitespace()
        try parser.skipValue()
    }
}

/// The strings a cursor made from bytes without escapes, found again by those bytes: an FNV-1a hash into an
/// open-addressed table, and a comparison of the bytes (which lie in the document, alive while it is read).
struct RepeatedStrings {
    static let seed: UInt64 = 0xcbf2_9ce4_8422_2325

    @inline(__always) static func mix(_ hash: UInt64, _ byte: UInt8) -> UInt64 { (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }

    private var strings: [(bytes: UnsafeBufferPointer<UInt8>, string: String)] = []
    /// Index + 1 into `strings` at each hash (linear probing), 0 where empty; at most half full.
    private var table = [Int32](repeating: 0, count: 256)

    /// The String of `bytes` (UTF-8, repaired as `String(decoding:as:)` repairs it), made once.
    mutating func string(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) -> String {
        let mask = table.count - 1
        var i = Int(truncatingIfNeeded: hash) & mask
        while table[i] != 0 {
            let known = strings[Int(table[i]) - 1]
            if known.bytes.count == bytes.count && (bytes.isEmpty || memcmp(known.bytes.baseAddress!, bytes.baseAddress!, bytes.count) == 0) {
                return known.string
            }
            i = (i + 1) & mask
        }
        let string = String(decoding: bytes, as: UTF8.self)
        table[i] = Int32(strings.count + 1)
        strings.append((bytes, string))
        if 2 * strings.count > table.count { grow() }
        return string
    }

    private mutating func grow() {
        table = [Int32](repeating: 0, count: 2 * table.count)
        let mask = table.count - 1
        for (n, known) in strings.enumerated() {
            var i = Int(truncatingIfNeeded: known.bytes.reduce(Self.seed, Self.mix)) & mask
            while table[i] != 0 { i = (i + 1) & mask }
            table[i] = Int32(n + 1)
        }
    }
}
