/// The bytes of the caches' payloads (`KeyedCacheFile`): integers and counts as 64-bit and doubles as their
/// bits, little-endian; a string as its UTF-8 length and bytes; an optional as a 0 byte, or a 1 byte and
/// the value. `ComparisonCoding`, `NoiseLearner`'s entries and `ProfileNoteCoding` write and read through
/// these (`JSONValueCoding` has a layout of its own, read in place on the notes' hot path).
struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func byte(_ value: UInt8) { bytes.append(value) }
    mutating func integer(_ value: Int) { withUnsafeBytes(of: Int64(value).littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func count(_ value: Int) { integer(value) }
    mutating func double(_ value: Double) { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func doubles(_ values: [Double]) {
        count(values.count)
        for value in values { double(value) }
    }
    mutating func string(_ value: String) {
        count(value.utf8.count)
        bytes.append(contentsOf: value.utf8)
    }
    mutating func double(_ value: Double?) {
        byte(value == nil ? 0 : 1)
        if let value { double(value) }
    }
    mutating func integer(_ value: Int?) {
        byte(value == nil ? 0 : 1)
        if let value { integer(value) }
    }
    mutating func string(_ value: String?) {
        byte(value == nil ? 0 : 1)
        if let value { string(value) }
    }
}

/// Reads what `ByteWriter` wrote; a read past the end, or a count larger than the bytes, throws `Truncated`.
struct ByteReader {
    struct Truncated: Error {}

    let bytes: [UInt8]
    var offset = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    var atEnd: Bool { offset == bytes.count }

    mutating func take(_ n: Int) throws -> ArraySlice<UInt8> {
        guard n >= 0, offset + n <= bytes.count else { throw Truncated() }
        defer { offset += n }
        return bytes[offset..<offset + n]
    }
    mutating func byte() throws -> UInt8 { try take(1).first! }
    /// Whether an optional's value follows.
    mutating func present() throws -> Bool { try byte() != 0 }
    mutating func word() throws -> UInt64 {
        guard offset + 8 <= bytes.count else { throw Truncated() }
        defer { offset += 8 }
        return UInt64(littleEndian: bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: UInt64.self) })
    }
    mutating func integer() throws -> Int { Int(Int64(bitPattern: try word())) }
    mutating func count() throws -> Int {
        let n = try integer()
        guard n >= 0, n <= bytes.count else { throw Truncated() }
        return n
    }
    mutating func double() throws -> Double { Double(bitPattern: try word()) }
    mutating func doubles() throws -> [Double] { try (0..<count()).map { _ in try double() } }
    mutating func string() throws -> String { String(decoding: try take(try count()), as: UTF8.self) }
}
