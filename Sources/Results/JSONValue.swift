import Foundation

/// A parsed JSON document, as the result-file readers see it.
///
/// perfjournal parses result files with its own scanner rather than Foundation's: a 500 × 1,000-sample
/// pytest-benchmark file is ~22 MB, which this reads about 3.5× faster than JSONDecoder and 10× faster
/// than JSONSerialization (`Benchmarks/json-reader.sh`; figures in README's Speed section). Both of
/// those also reject the bare `NaN` / `Infinity` tokens that Python's json module and Google Benchmark
/// write. This scanner accepts those tokens (so a NaN can be reported as "NaN in benchmark X", not as
/// malformed JSON) and says whether a broken document ended early (truncated) or is garbled.
package enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    /// An array whose elements are all numbers: the bulk of every result file (raw samples),
    /// kept unboxed so reading it costs one append per value.
    case numbers([Double])
    case array([JSONValue])
    case object([String: JSONValue])

    package subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    package var object: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The elements of an array (numbers boxed back into values).
    package var elements: [JSONValue]? {
        switch self {
        case .array(let values): return values
        case .numbers(let values): return values.map { .number($0) }
        default: return nil
        }
    }

    package var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    package var number: Double? {
        if case .number(let x) = self { return x }
        return nil
    }

    package var bool: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// What kind of JSON value this is, for messages ("expected a number, found a string").
    package var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .numbers, .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// Why a document is not JSON. `truncated` when it ended in the middle of a value.
package struct JSONParseError: Error, Equatable {
    var truncated: Bool
    var message: String
}

extension JSONValue {
    /// Parses a whole document; anything but whitespace after the top-level value is an error.
    package static func parse(_ data: Data) throws(JSONParseError) -> JSONValue {
        try parse(bytes: data)
    }

    package static func parse(bytes: some ContiguousBytes) throws(JSONParseError) -> JSONValue {
        let result: Result<JSONValue, JSONParseError> = bytes.withUnsafeBytes { raw in
            var parser = JSONParser(bytes: raw.bindMemory(to: UInt8.self))
            do throws(JSONParseError) {
                return .success(try parser.parseDocument())
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}

extension JSONValue {
    /// Parses `text` only where this scanner and Foundation's JSONDecoder read it alike: nil for anything
    /// JSONDecoder rejects or reads differently (the `NaN` / `Infinity` tokens, a number outside Double's
    /// normal range, a lone surrogate escape, a member name given twice: JSONDecoder keeps the first), and
    /// for every malformed document. A caller that must match JSONDecoder exactly hands those to it.
    package static func parseAsJSONDecoderWould(_ text: String) -> JSONValue? {
        var text = text
        return text.withUTF8 { bytes in
            var parser = JSONParser(bytes: bytes)
            guard let value = try? parser.parseDocument(), !parser.sawNonStandard else { return nil }
            return value
        }
    }
}

struct JSONParser {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    var depth = 0
    /// Something JSONDecoder would not read alike was seen (see `parseAsJSONDecoderWould`).
    var sawNonStandard = false
    /// Deeper nesting than any result file needs; stops a hostile file from overflowing the stack.
    static let maxDepth = 256

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        if index < bytes.count { throw garbled("unexpected text after the document") }
        return value
    }

    // MARK: errors

    func truncated() -> JSONParseError {
        JSONParseError(truncated: true, message: "malformed JSON (truncated? the document ends in the middle of a value)")
    }

    /// A garbled document; says where, as line:column, because files are indented and line numbers help.
    func garbled(_ what: String) -> JSONParseError {
        var line = 1
        var column = 1
        for i in 0..<Swift.min(index, bytes.count) {
            if bytes[i] == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return JSONParseError(truncated: false, message: "malformed JSON at line \(line), column \(column): \(what)")
    }

    // MARK: scanning

    @inline(__always) mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard index < bytes.count else { throw truncated() }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); return .null
        case UInt8(ascii: "N"):
            try expectWord("NaN")
            sawNonStandard = true
            return .number(.nan)
        case UInt8(ascii: "I"):
            try expectWord("Infinity")
            sawNonStandard = true
            return .number(.infinity)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw garbled("unexpected character '\(Self.printable(bytes[index]))'")
        }
    }

    /// Reads past the value here as `parseValue` would, with the same errors, but keeps nothing: no
    /// arrays, no strings, no number conversions (a reader skipping a profile's caller→callee rows).
    mutating func skipValue() throws(JSONParseError) {
        guard index < bytes.count else { throw truncated() }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            depth += 1
            guard depth <= Self.maxDepth else { throw garbled("nested too deeply") }
            index += 1
            skipWhitespace()
            guard index < bytes.count else { throw truncated() }
            if bytes[index] == UInt8(ascii: "}") {
                index += 1
                depth -= 1
                return
            }
            while true {
                skipWhitespace()
                guard index < bytes.count else { throw truncated() }
                guard bytes[index] == UInt8(ascii: "\"") else { throw garbled("expected a quoted member name") }
                try skipString()
                skipWhitespace()
                guard index < bytes.count else { throw truncated() }
                guard bytes[index] == UInt8(ascii: ":") else { throw garbled("expected ':' after member name") }
                index += 1
                skipWhitespace()
                try skipValue()
                skipWhitespace()
                guard index < bytes.count else { throw truncated() }
                switch bytes[index] {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "}"):
                    index += 1
                    depth -= 1
                    return
                default: throw garbled("expected ',' or '}' in object")
                }
            }
        case UInt8(ascii: "["):
            depth += 1
            guard depth <= Self.maxDepth else { throw garbled("nested too deeply") }
            index += 1
            skipWhitespace()
            guard index < bytes.count else { throw truncated() }
            if bytes[index] == UInt8(ascii: "]") {
                index += 1
                depth -= 1
                return
            }
            while true {
                skipWhitespace()
                try skipValue()
                skipWhitespace()
                guard index < bytes.count else { throw truncated() }
                switch bytes[index] {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "]"):
                    index += 1
                    depth -= 1
                    return
                default: throw garbled("expected ',' or ']' in array")
                }
            }
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try skipNumber()
        default: _ = try parseValue()  // true, false, null, NaN, Infinity: nothing to allocate
        }
    }

    /// Past a string; only one with escapes is decoded (to check them).
    mutating func skipString() throws(JSONParseError) {
        let start = index
        index += 1  // opening quote
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return
            }
            if byte == UInt8(ascii: "\\") {
                index = start
                _ = try parseString()
                return
            }
            if byte < 0x20 { throw garbled("control character in string") }
            index += 1
        }
        throw truncated()
    }

    /// Past a number, checked against the grammar `parseNumber` checks but not converted.
    mutating func skipNumber() throws(JSONParseError) {
        if bytes[index] == UInt8(ascii: "-") {
            index += 1
            guard index < bytes.count else { throw truncated() }
            if bytes[index] == UInt8(ascii: "I") {
                try expectWord("Infinity")
                return
            }
        }
        guard index < bytes.count else { throw truncated() }
        guard isDigit(bytes[index]) else { throw garbled("expected a digit in number") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            skipDigits()
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count else { throw truncated() }
            guard isDigit(bytes[index]) else { throw garbled("expected a digit after '.' in number") }
            skipDigits()
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            guard index < bytes.count else { throw truncated() }
            if bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
                guard index < bytes.count else { throw truncated() }
            }
            guard isDigit(bytes[index]) else { throw garbled("expected a digit in number's exponent") }
            skipDigits()
        }
    }

    /// Past a run of digits, the place kept in a local (the hot loop of skipping a profile's rows).
    @inline(__always) mutating func skipDigits() {
        var i = index
        while i < bytes.count, bytes[i] &- UInt8(ascii: "0") < 10 { i &+= 1 }
        index = i
    }

    static func printable(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? String(UnicodeScalar(byte)) : "\\x" + String(byte, radix: 16)
    }

    mutating func expectWord(_ word: StaticString) throws(JSONParseError) {
        let start = index
        let utf8 = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        for expected in utf8 {
            guard index < bytes.count else { throw truncated() }
            guard bytes[index] == expected else {
                index = start
                throw garbled("unexpected character '\(Self.printable(bytes[start]))'")
            }
            index += 1
        }
    }

    mutating func parseObject() throws(JSONParseError) -> JSONValue {
        depth += 1
        guard depth <= Self.maxDepth else { throw garbled("nested too deeply") }
        defer { depth -= 1 }
        index += 1  // {
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        guard index < bytes.count else { throw truncated() }
        if bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw truncated() }
            guard bytes[index] == UInt8(ascii: "\"") else { throw garbled("expected a quoted member name") }
            let key = try parseString()
            skipWhitespace()
            guard index < bytes.count else { throw truncated() }
            guard bytes[index] == UInt8(ascii: ":") else { throw garbled("expected ':' after member name") }
            index += 1
            skipWhitespace()
            let value = try parseValue()
            if members.updateValue(value, forKey: key) != nil { sawNonStandard = true }
            skipWhitespace()
            guard index < bytes.count else { throw truncated() }
            switch bytes[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"): index += 1; return .object(members)
            default: throw garbled("expected ',' or '}' in object")
            }
        }
    }

    mutating func parseArray() throws(JSONParseError) -> JSONValue {
        depth += 1
        guard depth <= Self.maxDepth else { throw garbled("nested too deeply") }
        defer { depth -= 1 }
        index += 1  // [
        skipWhitespace()
        guard index < bytes.count else { throw truncated() }
        if bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array([])
        }
        // Stay on the unboxed path while every element is a number.
        var numbers: [Double] = []
        var values: [JSONValue] = []
        var allNumbers = true
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw truncated() }
            if allNumbers && (bytes[index] == UInt8(ascii: "-") || isDigit(bytes[index])) {
                numbers.append(try parseNumber())  // the hot loop: raw samples
            } else {
                let value = try parseValue()
                if allNumbers, case .number(let x) = value {
                    numbers.append(x)  // NaN, Infinity
                } else {
                    if allNumbers {
                        allNumbers = false
                        values.reserveCapacity(numbers.count + 1)
                        values.append(contentsOf: numbers.map { .number($0) })
                        numbers = []
                    }
                    values.append(value)
                }
            }
            skipWhitespace()
            guard index < bytes.count else { throw truncated() }
            switch bytes[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"):
                index += 1
                return allNumbers ? .numbers(numbers) : .array(values)
            default: throw garbled("expected ',' or ']' in array")
            }
        }
    }

    mutating func parseString() throws(JSONParseError) -> String {
        index += 1  // opening quote
        let start = index
        // Fast path: no escapes, the string is the bytes between the quotes.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let s = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                return s
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw garbled("control character in string") }
            index += 1
        }
        guard index < bytes.count else { throw truncated() }
        var utf8 = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: utf8, as: UTF8.self)
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { throw truncated() }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try parseHex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        // A surrogate pair; a lone high surrogate becomes U+FFFD.
                        if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
                            index += 2
                            let low = try parseHex4()
                            if (0xDC00..<0xE000).contains(low) {
                                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                            } else {
                                scalar = 0xFFFD
                                sawNonStandard = true
                            }
                        } else {
                            scalar = 0xFFFD
                            sawNonStandard = true
                        }
                    } else if (0xDC00..<0xE000).contains(scalar) {
                        sawNonStandard = true  // a lone low surrogate (Unicode.Scalar rejects it: U+FFFD)
                    }
                    let character = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                    utf8.append(contentsOf: String(Character(character)).utf8)
                default:
                    index -= 2  // point at the backslash
                    throw garbled("unknown escape '\\\(Self.printable(escape))' in string")
                }
            default:
                if byte < 0x20 { throw garbled("control character in string") }
                utf8.append(byte)
                index += 1
            }
        }
        throw truncated()
    }

    mutating func parseHex4() throws(JSONParseError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard index < bytes.count else { throw truncated() }
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw garbled("bad \\u escape in string")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    /// Exact powers of ten a Double holds (10^22 is the largest).
    static let powersOfTen: [Double] = (0...22).map { exponent in
        var p = 1.0
        for _ in 0..<exponent { p *= 10 }
        return p
    }

    /// Validates the JSON number grammar (plus `-Infinity`), then converts. Numbers whose digits fit in
    /// 2^53 with a power of ten up to 10^22 are exact in one multiply or divide (Clinger's fast path);
    /// the rest go through the standard library's correctly rounded parser.
    mutating func parseNumber() throws(JSONParseError) -> Double {
        let start = index
        var negative = false
        if bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
            guard index < bytes.count else { throw truncated() }
            if bytes[index] == UInt8(ascii: "I") {
                try expectWord("Infinity")
                sawNonStandard = true
                return -.infinity
            }
        }
        var mantissa: UInt64 = 0
        var significantDigits = 0
        var exponent = 0
        guard index < bytes.count else { throw truncated() }
        guard isDigit(bytes[index]) else { throw garbled("expected a digit in number") }
        // The digit loops keep their place in a local and add without overflow checks (19 digits fit in
        // UInt64): a profile note has 300,000 numbers of 17 to 21 characters.
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            var i = index
            while i < bytes.count {
                let digit = bytes[i] &- UInt8(ascii: "0")
                guard digit < 10 else { break }
                // Digits past the 19th are only counted, in the scale.
                if significantDigits < 19 { mantissa = mantissa &* 10 &+ UInt64(digit) } else { exponent &+= 1 }
                significantDigits &+= 1
                i &+= 1
            }
            index = i
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count else { throw truncated() }
            guard isDigit(bytes[index]) else { throw garbled("expected a digit after '.' in number") }
            var i = index
            while i < bytes.count {
                let digit = bytes[i] &- UInt8(ascii: "0")
                guard digit < 10 else { break }
                if significantDigits == 0 && digit == 0 {
                    exponent &-= 1  // a leading zero is not significant: only the scale moves
                } else {
                    if significantDigits < 19 {
                        mantissa = mantissa &* 10 &+ UInt64(digit)
                        exponent &-= 1
                    }
                    significantDigits &+= 1
                }
                i &+= 1
            }
            index = i
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            guard index < bytes.count else { throw truncated() }
            var exponentNegative = false
            if bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                exponentNegative = bytes[index] == UInt8(ascii: "-")
                index += 1
                guard index < bytes.count else { throw truncated() }
            }
            guard isDigit(bytes[index]) else { throw garbled("expected a digit in number's exponent") }
            var written = 0
            while index < bytes.count, isDigit(bytes[index]) {
                if written < 100_000 { written = written * 10 + Int(bytes[index] - UInt8(ascii: "0")) }
                index += 1
            }
            exponent += exponentNegative ? -written : written
        }
        if significantDigits <= 19, mantissa <= 1 << 53, abs(exponent) <= 22 {
            var value = Double(mantissa)
            if exponent < 0 { value /= Self.powersOfTen[-exponent] } else { value *= Self.powersOfTen[exponent] }
            return negative ? -value : value
        }
        if significantDigits <= 19, abs(exponent) <= 22 {
            let value = Self.wideMantissa(mantissa, exponent)
            return negative ? -value : value
        }
        // strtod straight from the buffer (correctly rounded, no String to allocate). The byte after the
        // number stops it, so the number must not end the buffer; and if strtod stops elsewhere than we
        // did (a locale whose decimal point is not '.'), the standard library's parser decides instead.
        if index < bytes.count, let base = bytes.baseAddress {
            let startPointer = UnsafeRawPointer(base + start).assumingMemoryBound(to: CChar.self)
            var end: UnsafeMutablePointer<CChar>?
            let value = strtod(startPointer, &end)
            let stop: UnsafeRawPointer = UnsafeRawPointer(base + index)
            if let end, UnsafeRawPointer(end) == stop {
                noteOutOfRange(value, mantissa: mantissa)
                return value
            }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(text) else { throw garbled("unreadable number '\(text)'") }
        noteOutOfRange(value, mantissa: mantissa)
        return value
    }

    /// JSONDecoder refuses numbers that overflow or underflow a Double; leave those (and subnormals) to it.
    mutating func noteOutOfRange(_ value: Double, mantissa: UInt64) {
        if !value.isFinite || (value == 0 && mantissa != 0) || value.isSubnormal { sawNonStandard = true }
    }

    /// 5^0 ... 5^22, exact.
    static let powersOfFive: [UInt64] = (0...22).map { exponent in
        var p: UInt64 = 1
        for _ in 0..<exponent { p *= 5 }
        return p
    }

    /// `mantissa` × 10^`exponent` (|exponent| ≤ 22), correctly rounded, for the mantissas above 2^53
    /// (17 to 19 digits) that shortest-form writers such as Python's repr give about half of all doubles,
    /// which Clinger's fast path leaves to strtod at several times the cost. 10^e = 5^e × 2^e with
    /// 5^22 < 2^52: the product with 5^e is exact in 128 bits; the quotient by 5^e is taken to 64 more
    /// bits. Its top 64 bits, with a sticky bit for anything nonzero below (remainder included), convert
    /// to Double in the one rounding, and scaling by a power of two is exact.
    static func wideMantissa(_ mantissa: UInt64, _ exponent: Int) -> Double {
        var high: UInt64
        var low: UInt64
        var inexact = false
        var scale = exponent
        if exponent >= 0 {
            (high, low) = mantissa.multipliedFullWidth(by: powersOfFive[exponent])
        } else {
            // Long division of mantissa × 2^64 by 5^-e, one 64-bit digit at a time.
            let divisor = powersOfFive[-exponent]
            let (upper, rest) = mantissa.quotientAndRemainder(dividingBy: divisor)
            let (lower, remainder) = divisor.dividingFullWidth((high: rest, low: 0))
            (high, low) = (upper, lower)
            inexact = remainder != 0
            scale -= 64
        }
        var top = low
        if high != 0 {
            let dropped = 64 - high.leadingZeroBitCount
            top = dropped == 64 ? high : high << (64 - dropped) | low >> dropped
            inexact = inexact || (dropped < 64 ? low << (64 - dropped) : low) != 0
            scale += dropped
        }
        if inexact { top |= 1 }  // below the rounding bit: top has at least 54 significant bits here
        return Double(top) * Double(bitPattern: UInt64(1023 + scale) << 52)
    }

    @inline(__always) func isDigit(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10
    }
}
