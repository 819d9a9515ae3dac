import Foundation

/// A pull reader over the scanner `JSONValue.parse` uses: the caller walks the document and reads each
/// value into its own types, so a big document of known shape (a profile note: a row per function, 300
/// per benchmark) is never turned into a tree of `JSONValue`s first. Syntax errors are `JSONParseError`s;
/// `peek()` lets the caller check a value's kind before reading it.
package struct JSONCursor {
    package enum Kind: Equatable, Sendable { case object, array, string, number, bool, null }

    private var parser: JSONParser

    private init(_ parser: JSONParser) {
        self.parser = parser
    }

    /// Runs `body` on a cursor at the start of `data`; anything but whitespace after what it read is an error.
    package static func read<T>(_ data: Data, _ body: (inout JSONCursor) throws -> T) throws -> T {
        try data.withUnsafeBytes { raw in
            var cursor = JSONCursor(JSONParser(bytes: raw.bindMemory(to: UInt8.self)))
            let result = try body(&cursor)
            cursor.parser.skipWhitespace()
            if cursor.parser.index < cursor.parser.bytes.count { throw cursor.parser.garbled("unexpected text after the document") }
            return result
        }
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

    /// The number here (`peek() == .number`), NaN and Infinity included.
    package mutating func number() throws -> Double {
        parser.skipWhitespace()
        guard case .number(let x) = try parser.parseValue() else { throw parser.garbled("expected a number") }
        return x
    }

    /// Reads past the value here, whatever it is, checking its syntax but building nothing.
    package mutating func skip() throws {
        parser.skipWhitespace()
        try parser.skipValue()
    }
}
