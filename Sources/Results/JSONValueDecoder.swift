import Foundation

/// Decodes a `Decodable` from a parsed `JSONValue`, accepting exactly what Foundation's JSONDecoder
/// (default strategies) accepts and producing the same values, or else saying it cannot tell.
///
/// Reading perfjournal's notes is most of the cost of `log`, `check` and `report` on long histories, and
/// JSONDecoder spends most of its time on the notes' sample arrays; `JSONValue.parse` keeps those unboxed.
/// The rule that keeps the results identical: this decoder throws wherever JSONDecoder would throw (a
/// missing key, a null or a value of the wrong kind, a number that does not fit), and whatever it is not
/// sure about (a type with a JSONDecoder special case such as Date, Data, URL, Decimal, Float; an integer
/// beyond 2^53, which the parsed Double may have rounded) makes `decode` return nil, so the caller asks
/// JSONDecoder, which also words the errors.
package enum JSONValueDecoder {
    /// The decoded value; nil when JSONDecoder must decide (including every error: it words them).
    package static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) -> T? {
        let session = Session()
        let decoder = ValueDecoder(value: value, session: session)
        guard let decoded = try? T(from: decoder), !session.unsure else { return nil }
        return decoded
    }
}

extension JSONValueDecoder {
    /// JSONDecoder's reading of `text` (the same value, or its error), through the fast path when it can.
    package static func decode<T: Decodable>(_ type: T.Type, json text: String) throws -> T {
        if let value = JSONValue.parseAsJSONDecoderWould(text), let decoded = decode(type, from: value) { return decoded }
        return try JSONDecoder().decode(type, from: Data(text.utf8))
    }
}

/// Shared by one decoding: set when something was met that only JSONDecoder can answer for. A flag, not
/// just a thrown error, because a type's own `init(from:)` may catch an error and carry on.
private final class Session {
    var unsure = false
}

/// Thrown where JSONDecoder would throw; its wording does not matter (the caller asks JSONDecoder).
private struct Mismatch: Error {}

private func unsure(_ session: Session) -> Mismatch {
    session.unsure = true
    return Mismatch()
}

/// JSONDecoder reads these through special cases of its own (its strategies, or the number's text).
private func hasSpecialCase(_ type: Any.Type) -> Bool {
    type == Date.self || type == Data.self || type == URL.self || type == Decimal.self || type == Float.self
}

/// Coding paths are not kept (every container's is empty): they only word errors, and JSONDecoder words
/// those.
private struct ValueDecoder: Decoder {
    let value: JSONValue
    let session: Session
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = value else { throw Mismatch() }
        return KeyedDecodingContainer(KeyedContainer<Key>(members: members, session: session))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        switch value {
        case .array(let values): return UnkeyedContainer(storage: .values(values), session: session)
        case .numbers(let numbers): return UnkeyedContainer(storage: .numbers(numbers), session: session)
        default: throw Mismatch()
        }
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleValue(value: value, session: session)
    }
}

/// The scalar conversions, shared by the three kinds of container.
private enum Scalars {
    static func bool(_ value: JSONValue) throws -> Bool {
        guard case .bool(let b) = value else { throw Mismatch() }
        return b
    }

    static func string(_ value: JSONValue) throws -> String {
        guard case .string(let s) = value else { throw Mismatch() }
        return s
    }

    static func double(_ value: JSONValue) throws -> Double {
        guard case .number(let x) = value else { throw Mismatch() }
        return x
    }

    /// JSONDecoder takes any number whose value is a whole number in range ("1.0", "1e2"); above 2^53 the
    /// parsed Double may have lost digits of the text, so JSONDecoder decides.
    static func integer<T: FixedWidthInteger>(_ value: JSONValue, _ session: Session) throws -> T {
        guard case .number(let x) = value else { throw Mismatch() }
        guard abs(x) < 9_007_199_254_740_992 else { throw unsure(session) }
        guard let n = T(exactly: x) else { throw Mismatch() }
        return n
    }

    static func decode<T: Decodable>(_ type: T.Type, _ value: JSONValue, _ session: Session) throws -> T {
        // The bulk of a note: sample arrays, unboxed by the parser.
        // (Each `unsafeBitCast` follows the check that T is that very type: a dynamic cast costs more.)
        if T.self == [Double].self {
            switch value {
            case .numbers(let numbers): return unsafeBitCast(numbers, to: T.self)
            case .array(let values) where values.isEmpty: return unsafeBitCast([Double](), to: T.self)
            default: break
            }
        }
        if T.self == String.self { return unsafeBitCast(try string(value), to: T.self) }
        if T.self == Double.self { return unsafeBitCast(try double(value), to: T.self) }
        if T.self == Int.self { return unsafeBitCast(try integer(value, session) as Int, to: T.self) }
        if T.self == Bool.self { return unsafeBitCast(try bool(value), to: T.self) }
        // Then its results: read without Codable's containers, each of which costs a lookup of generic
        // metadata (shared by every thread, behind a lock): half of decoding a note.
        if T.self == BenchmarkResult.self { return unsafeBitCast(try result(value, session), to: T.self) }
        if hasSpecialCase(T.self) { throw unsure(session) }
        return try T(from: ValueDecoder(value: value, session: session))
    }
}

extension Scalars {
    /// What `BenchmarkResult`'s and `SummaryStats`' synthesized `init(from:)` read: the same keys, missing
    /// or null `samples` as nil, and a throw wherever they throw. `NoteReadingTests` holds the two
    /// readings together.
    static func result(_ value: JSONValue, _ session: Session) throws -> BenchmarkResult {
        guard case .object(let members) = value else { throw Mismatch() }
        func member(_ key: String) throws -> JSONValue {
            guard let value = members[key] else { throw Mismatch() }
            return value
        }
        guard let direction = Direction(rawValue: try string(try member("direction"))) else { throw Mismatch() }
        var samples: [Double]?
        if let given = members["samples"], given != .null { samples = try decode([Double].self, given, session) }
        guard case .object(let stats) = try member("stats") else { throw Mismatch() }
        func statistic(_ key: String) throws -> Double {
            guard let value = stats[key] else { throw Mismatch() }
            return try double(value)
        }
        guard let n = stats["n"] else { throw Mismatch() }
        return BenchmarkResult(
            name: try string(try member("name")), unit: try string(try member("unit")), direction: direction, samples: samples,
            stats: SummaryStats(
                n: try integer(n, session), mean: try statistic("mean"), stddev: try statistic("stddev"), median: try statistic("median"),
                min: try statistic("min"), max: try statistic("max"), q1: try statistic("q1"), q3: try statistic("q3")))
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let members: [String: JSONValue]
    let session: Session
    var codingPath: [any CodingKey] { [] }

    var allKeys: [Key] { members.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { members[key.stringValue] != nil }

    func value(_ key: Key) throws -> JSONValue {
        guard let value = members[key.stringValue] else { throw Mismatch() }
        return value
    }

    /// Missing or null: nil, as JSONDecoder's `decodeIfPresent`.
    func present(_ key: Key) -> JSONValue? {
        guard let value = members[key.stringValue], value != .null else { return nil }
        return value
    }

    func decodeNil(forKey key: Key) throws -> Bool { try value(key) == .null }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try Scalars.bool(try value(key)) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try Scalars.string(try value(key)) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try Scalars.double(try value(key)) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { throw unsure(session) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try Scalars.integer(try value(key), session) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try Scalars.integer(try value(key), session) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try Scalars.integer(try value(key), session) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try Scalars.integer(try value(key), session) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try Scalars.integer(try value(key), session) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try Scalars.integer(try value(key), session) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try Scalars.integer(try value(key), session) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try Scalars.integer(try value(key), session) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try Scalars.integer(try value(key), session) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try Scalars.integer(try value(key), session) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try Scalars.decode(type, try value(key), session)
    }

    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try present(key).map(Scalars.bool) }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try present(key).map(Scalars.string) }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try present(key).map(Scalars.double) }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
        try present(key).map { try Scalars.integer($0, session) }
    }
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        try present(key).map { try Scalars.decode(type, $0, session) }
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try ValueDecoder(value: try value(key), session: session).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try ValueDecoder(value: try value(key), session: session).unkeyedContainer()
    }

    // `super` is rare and JSONDecoder's handling of a missing one is its own: let it decide.
    func superDecoder() throws -> any Decoder { throw unsure(session) }
    func superDecoder(forKey key: Key) throws -> any Decoder { throw unsure(session) }
}

private struct UnkeyedContainer: UnkeyedDecodingContainer {
    enum Storage {
        case values([JSONValue])
        case numbers([Double])
    }

    let storage: Storage
    let session: Session
    var codingPath: [any CodingKey] { [] }
    var currentIndex = 0

    init(storage: Storage, session: Session) {
        self.storage = storage
        self.session = session
    }

    var count: Int? {
        switch storage {
        case .values(let values): return values.count
        case .numbers(let numbers): return numbers.count
        }
    }

    var isAtEnd: Bool { currentIndex >= count! }

    func peek() throws -> JSONValue {
        guard !isAtEnd else { throw Mismatch() }
        switch storage {
        case .values(let values): return values[currentIndex]
        case .numbers(let numbers): return .number(numbers[currentIndex])
        }
    }

    mutating func next() throws -> JSONValue {
        let value = try peek()
        currentIndex += 1
        return value
    }

    mutating func decodeNil() throws -> Bool {
        guard try peek() == .null else { return false }
        currentIndex += 1
        return true
    }

    // JSONDecoder moves past an element only when it decoded; a failed decode leaves the index.
    mutating func scalar<T>(_ convert: (JSONValue) throws -> T) throws -> T {
        let value = try convert(try peek())
        currentIndex += 1
        return value
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try scalar(Scalars.bool) }
    mutating func decode(_ type: String.Type) throws -> String { try scalar(Scalars.string) }
    mutating func decode(_ type: Double.Type) throws -> Double { try scalar(Scalars.double) }
    mutating func decode(_ type: Float.Type) throws -> Float { throw unsure(session) }
    mutating func decode(_ type: Int.Type) throws -> Int { try integer() }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try integer() }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try integer() }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try integer() }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try integer() }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try integer() }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try integer() }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try integer() }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try integer() }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try integer() }

    mutating func integer<T: FixedWidthInteger>() throws -> T {
        let session = session
        return try scalar { try Scalars.integer($0, session) }
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let session = session
        return try scalar { try Scalars.decode(type, $0, session) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let session = session
        return try scalar { try ValueDecoder(value: $0, session: session).container(keyedBy: type) }
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let session = session
        return try scalar { try ValueDecoder(value: $0, session: session).unkeyedContainer() }
    }

    mutating func superDecoder() throws -> any Decoder { throw unsure(session) }
}

private struct SingleValue: SingleValueDecodingContainer {
    let value: JSONValue
    let session: Session
    var codingPath: [any CodingKey] { [] }

    func decodeNil() -> Bool { value == .null }
    func decode(_ type: Bool.Type) throws -> Bool { try Scalars.bool(value) }
    func decode(_ type: String.Type) throws -> String { try Scalars.string(value) }
    func decode(_ type: Double.Type) throws -> Double { try Scalars.double(value) }
    func decode(_ type: Float.Type) throws -> Float { throw unsure(session) }
    func decode(_ type: Int.Type) throws -> Int { try Scalars.integer(value, session) }
    func decode(_ type: Int8.Type) throws -> Int8 { try Scalars.integer(value, session) }
    func decode(_ type: Int16.Type) throws -> Int16 { try Scalars.integer(value, session) }
    func decode(_ type: Int32.Type) throws -> Int32 { try Scalars.integer(value, session) }
    func decode(_ type: Int64.Type) throws -> Int64 { try Scalars.integer(value, session) }
    func decode(_ type: UInt.Type) throws -> UInt { try Scalars.integer(value, session) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try Scalars.integer(value, session) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try Scalars.integer(value, session) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try Scalars.integer(value, session) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try Scalars.integer(value, session) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try Scalars.decode(type, value, session) }
}
