import Foundation
import Git

/// Profile notes as `ProfileNoteReader` read them without edges, kept in `.git/perfjournal/cache/profile-notes`
/// by blob id. A note of 100 benchmarks × 300 functions is megabytes of JSON: inflating and scanning two of
/// them was two thirds of `perfjournal profile A B` (`Benchmarks/profile-speed.sh`, part 3). A blob never
/// changes, so its decoded rows can be kept; a note that gains a run is a new blob and is read again.
/// Only the edge-less reading is kept: the speedscope export, the one reader of edges, reads the note.
public final class ProfileNoteCache: Sendable {
    private let file: KeyedCacheFile

    public init(stateDirectory: String) {
        file = KeyedCacheFile(path: stateDirectory + "/cache/profile-notes", format: "profile notes 1", keySize: 40)
    }

    func note(blob: ObjectID) -> ProfileNote? {
        guard let payload = file.payload(Array(blob.hex.utf8)) else { return nil }
        return try? ProfileNoteCoding.decode(payload)
    }

    func add(_ note: ProfileNote, blob: ObjectID) {
        file.add(Array(blob.hex.utf8), ProfileNoteCoding.encode(note))
    }
}

/// A `ProfileNote` without edges as bytes: a table of its distinct strings, then the runs, with strings as
/// indexes into the table (a file name is shared by many rows), integers and doubles as their 64 bits,
/// counts as 32, and an optional as a presence byte before its value.
enum ProfileNoteCoding {
    struct Malformed: Error {}

    static func encode(_ note: ProfileNote) -> [UInt8] {
        var strings: [String: UInt32] = [:]
        var table: [String] = []
        var body: [UInt8] = []
        func count(_ n: Int) { withUnsafeBytes(of: UInt32(n).littleEndian) { body.append(contentsOf: $0) } }
        func int(_ n: Int) { withUnsafeBytes(of: Int64(n).littleEndian) { body.append(contentsOf: $0) } }
        func double(_ x: Double) { withUnsafeBytes(of: x.bitPattern.littleEndian) { body.append(contentsOf: $0) } }
        func string(_ s: String) {
            if let index = strings[s] { return count(Int(index)) }
            strings[s] = UInt32(table.count)
            count(table.count)
            table.append(s)
        }
        func optional<T>(_ value: T?, _ write: (T) -> Void) {
            body.append(value == nil ? 0 : 1)
            if let value { write(value) }
        }
        int(note.schema)
        count(note.runs.count)
        for (id, run) in note.runs.sorted(by: { $0.key < $1.key }) {
            string(id)
            optional(run.python, string)
            count(run.benchmarks.count)
            for b in run.benchmarks {
                string(b.name)
                optional(b.loops, int)
                optional(b.totalSeconds, double)
                optional(b.peakMemoryBytes, int)
                optional(b.peakMemoryTool, string)
                optional(b.omitted, int)
                optional(b.dump, string)
                count(b.functions.count)
                for f in b.functions {
                    string(f.file)
                    string(f.name)
                    int(f.line)
                    int(f.primitiveCalls)
                    int(f.calls)
                    double(f.selfSeconds)
                    double(f.cumulativeSeconds)
                }
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(body.count + table.count * 24)
        withUnsafeBytes(of: UInt32(table.count).littleEndian) { out.append(contentsOf: $0) }
        for s in table {
            withUnsafeBytes(of: UInt32(s.utf8.count).littleEndian) { out.append(contentsOf: $0) }
            out += s.utf8
        }
        return out + body
    }

    static func decode(_ bytes: [UInt8]) throws(Malformed) -> ProfileNote {
        do {
            return try bytes.withUnsafeBytes { raw in
                var reader = Reader(raw: raw)
                var table: [String] = []
                let strings = try reader.count()
                table.reserveCapacity(strings)
                for _ in 0..<strings {
                    let length = try reader.count()
                    try reader.need(length)
                    table.append(String(decoding: UnsafeRawBufferPointer(rebasing: raw[reader.offset..<reader.offset + length]), as: UTF8.self))
                    reader.offset += length
                }
                func string() throws -> String {
                    let index = try reader.count()
                    guard index < table.count else { throw Malformed() }
                    return table[index]
                }
                func optional<T>(_ read: () throws -> T) throws -> T? {
                    try reader.need(1)
                    reader.offset += 1
                    return raw[reader.offset - 1] == 0 ? nil : try read()
                }
                var note = ProfileNote()
                note.schema = try reader.int()
                for _ in 0..<(try reader.count()) {
                    let id = try string()
                    let python = try optional(string)
                    let count = try reader.count()
                    var benchmarks: [BenchmarkProfile] = []
                    benchmarks.reserveCapacity(count)
                    for _ in 0..<count {
                        var b = BenchmarkProfile(name: try string(), loops: nil, totalSeconds: nil, peakMemoryBytes: nil)
                        b.loops = try optional { try reader.int() }
                        b.totalSeconds = try optional { try reader.double() }
                        b.peakMemoryBytes = try optional { try reader.int() }
                        b.peakMemoryTool = try optional(string)
                        b.omitted = try optional { try reader.int() }
                        b.dump = try optional(string)
                        let functions = try reader.count()
                        try reader.need(functions * 48)
                        b.functions.reserveCapacity(functions)
                        for _ in 0..<functions {
                            b.functions.append(
                                ProfiledFunction(
                                    file: try string(), name: try string(), line: try reader.int(), primitiveCalls: try reader.int(),
                                    calls: try reader.int(), selfSeconds: try reader.double(), cumulativeSeconds: try reader.double()))
                        }
                        benchmarks.append(b)
                    }
                    note.runs[id] = RunProfile(python: python, benchmarks: benchmarks)
                }
                guard reader.offset == raw.count else { throw Malformed() }
                return note
            }
        } catch {
            throw Malformed()
        }
    }

    private struct Reader {
        let raw: UnsafeRawBufferPointer
        var offset = 0

        func need(_ n: Int) throws {
            guard n >= 0, n <= raw.count - offset else { throw Malformed() }
        }

        mutating func count() throws -> Int {
            try need(4)
            defer { offset += 4 }
            return Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        }

        mutating func int() throws -> Int {
            try need(8)
            defer { offset += 8 }
            return Int(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int64.self)))
        }

        mutating func double() throws -> Double {
            try need(8)
            defer { offset += 8 }
            return Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
        }
    }
}
