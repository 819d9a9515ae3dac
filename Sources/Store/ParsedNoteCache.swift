import Foundation
import Git
import Results

/// Note blobs as perfjournal's JSON scanner read them (`JSONValue.parseAsJSONDecoderWould`), kept in
/// `.git/perfjournal/cache/parsed-notes` by blob id. On a long history, reading the notes was most of the
/// time of `check`, `log` and `report`: blobs packed as deltas of one another are inflated again chain by
/// chain (2,000 notes of 60 KB: about 2 s), then scanned (about 1 s). The cached tree is the scanner's own
/// result, stored exactly (numbers as their bits), so decoding it gives the very note the text gives; a
/// note the scanner leaves to JSONDecoder is not cached and is read from its text every time.
final class ParsedNoteCache: Sendable {
    private let file: KeyedCacheFile

    init(cacheFile: String) {
        file = KeyedCacheFile(path: cacheFile, format: "parsed notes 1", keySize: 40)
    }

    /// The note in `blob`: from the cache, else read through `repository` (on the caller's thread).
    func note(blob: ObjectID, commit: ObjectID, repository: Repository) throws -> Note {
        let key = Array(blob.hex.utf8)
        if let payload = file.payload(key), let value = try? JSONValueCoding.decode(payload),
            let result = NoteCodec.read(value)
        {
            return try NoteCodec.note(result, commit: commit)
        }
        let text = try repository.noteText(blob: blob)
        if let value = JSONValue.parseAsJSONDecoderWould(text), let result = NoteCodec.read(value) {
            file.add(key, JSONValueCoding.encode(value))
            return try NoteCodec.note(result, commit: commit)
        }
        // What the scanner could not answer for (`NoteCodec.read` would scan the text again first).
        return try NoteCodec.note(NoteCodec.readWithJSONDecoder(text), commit: commit)
    }
}

/// A `JSONValue` as bytes: a tag, then the value (numbers as their 64 bits, counts and lengths as 32).
enum JSONValueCoding {
    struct Malformed: Error {}

    static func encode(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        write(value, to: &out)
        return out
    }

    private static func write(_ value: JSONValue, to out: inout [UInt8]) {
        func count(_ n: Int) { withUnsafeBytes(of: UInt32(n).littleEndian) { out.append(contentsOf: $0) } }
        func number(_ x: Double) { withUnsafeBytes(of: x.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
        func string(_ s: String) {
            count(s.utf8.count)
            out.append(contentsOf: s.utf8)
        }
        switch value {
        case .null: out.append(0)
        case .bool(let b): out.append(b ? 2 : 1)
        case .number(let x):
            out.append(3)
            number(x)
        case .string(let s):
            out.append(4)
            string(s)
        case .numbers(let xs):
            out.append(5)
            count(xs.count)
            for x in xs { number(x) }
        case .array(let items):
            out.append(6)
            count(items.count)
            for item in items { write(item, to: &out) }
        case .object(let members):
            out.append(7)
            count(members.count)
            for (key, member) in members {
                string(key)
                write(member, to: &out)
            }
        }
    }

    static func decode(_ bytes: [UInt8]) throws -> JSONValue {
        try bytes.withUnsafeBytes { raw in
            var offset = 0
            let value = try read(raw, &offset, depth: 0)
            guard offset == raw.count else { throw Malformed() }
            return value
        }
    }

    private static func read(_ raw: UnsafeRawBufferPointer, _ offset: inout Int, depth: Int) throws -> JSONValue {
        func need(_ n: Int) throws {
            guard n >= 0, offset + n <= raw.count else { throw Malformed() }
        }
        func count() throws -> Int {
            try need(4)
            defer { offset += 4 }
            return Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        }
        func number() throws -> Double {
            try need(8)
            defer { offset += 8 }
            return Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
        }
        func string() throws -> String {
            let n = try count()
            try need(n)
            defer { offset += n }
            return String(decoding: UnsafeRawBufferPointer(rebasing: raw[offset..<offset + n]), as: UTF8.self)
        }
        guard depth < 256 else { throw Malformed() }
        try need(1)
        let tag = raw[offset]
        offset += 1
        switch tag {
        case 0: return .null
        case 1: return .bool(false)
        case 2: return .bool(true)
        case 3: return .number(try number())
        case 4: return .string(try string())
        case 5:
            let n = try count()
            try need(8 * n)
            var xs: [Double] = []
            xs.reserveCapacity(n)
            for _ in 0..<n { xs.append(try number()) }
            return .numbers(xs)
        case 6:
            let n = try count()
            try need(n)
            var items: [JSONValue] = []
            items.reserveCapacity(n)
            for _ in 0..<n { items.append(try read(raw, &offset, depth: depth + 1)) }
            return .array(items)
        case 7:
            let n = try count()
            try need(n)
            var members: [String: JSONValue] = [:]
            members.reserveCapacity(n)
            for _ in 0..<n {
                let key = try string()
                members[key] = try read(raw, &offset, depth: depth + 1)
            }
            return .object(members)
        default: throw Malformed()
        }
    }
}
