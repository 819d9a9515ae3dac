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
        file = KeyedCacheFile(path: stateDirectory + "/cache/profile-notes", format: "profile notes 2", keySize: 40)
    }

    func note(blob: ObjectID) -> ProfileNote? {
        guard let payload = file.payload(Array(blob.hex.utf8)) else { return nil }
        return try? ProfileNoteCoding.decode(payload)
    }

    func add(_ note: ProfileNote, blob: ObjectID) {
        file.add(Array(blob.hex.utf8), ProfileNoteCoding.encode(note))
    }
}

/// A `ProfileNote` without edges as bytes (`ByteWriter`'s): a table of its distinct strings, then the runs,
/// with strings as indexes into the table (a file name is shared by many rows).
enum ProfileNoteCoding {
    struct Malformed: Error {}

    static func encode(_ note: ProfileNote) -> [UInt8] {
        var strings: [String: Int] = [:]
        var table: [String] = []
        var body = ByteWriter()
        func string(_ s: String) {
            if let index = strings[s] { return body.count(index) }
            strings[s] = table.count
            body.count(table.count)
            table.append(s)
        }
        func string(_ s: String?) {
            body.byte(s == nil ? 0 : 1)
            if let s { string(s) }
        }
        body.integer(note.schema)
        body.count(note.runs.count)
        for (id, run) in note.runs.sorted(by: { $0.key < $1.key }) {
            string(id)
            string(run.python)
            body.count(run.benchmarks.count)
            for b in run.benchmarks {
                string(b.name)
                body.integer(b.loops)
                body.double(b.totalSeconds)
                body.integer(b.peakMemoryBytes)
                string(b.peakMemoryTool)
                body.integer(b.omitted)
                string(b.dump)
                body.count(b.functions.count)
                for f in b.functions {
                    string(f.file)
                    string(f.name)
                    body.integer(f.line)
                    body.integer(f.primitiveCalls)
                    body.integer(f.calls)
                    body.double(f.selfSeconds)
                    body.double(f.cumulativeSeconds)
                }
            }
        }
        var out = ByteWriter()
        out.count(table.count)
        for s in table { out.string(s) }
        return out.bytes + body.bytes
    }

    static func decode(_ bytes: [UInt8]) throws(Malformed) -> ProfileNote {
        do {
            var input = ByteReader(bytes: bytes)
            let table = try (0..<input.count()).map { _ in try input.string() }
            func string() throws -> String {
                let index = try input.count()
                guard index < table.count else { throw Malformed() }
                return table[index]
            }
            func optional<T>(_ read: () throws -> T) throws -> T? {
                try input.present() ? try read() : nil
            }
            var note = ProfileNote()
            note.schema = try input.integer()
            for _ in 0..<(try input.count()) {
                let id = try string()
                let python = try optional(string)
                let count = try input.count()
                var benchmarks: [BenchmarkProfile] = []
                benchmarks.reserveCapacity(count)
                for _ in 0..<count {
                    var b = BenchmarkProfile(name: try string(), loops: nil, totalSeconds: nil, peakMemoryBytes: nil)
                    b.loops = try optional { try input.integer() }
                    b.totalSeconds = try optional { try input.double() }
                    b.peakMemoryBytes = try optional { try input.integer() }
                    b.peakMemoryTool = try optional(string)
                    b.omitted = try optional { try input.integer() }
                    b.dump = try optional(string)
                    let functions = try input.count()
                    b.functions.reserveCapacity(functions)
                    for _ in 0..<functions {
                        b.functions.append(
                            ProfiledFunction(
                                file: try string(), name: try string(), line: try input.integer(), primitiveCalls: try input.integer(),
                                calls: try input.integer(), selfSeconds: try input.double(), cumulativeSeconds: try input.double()))
                    }
                    benchmarks.append(b)
                }
                note.runs[id] = RunProfile(python: python, benchmarks: benchmarks)
            }
            guard input.atEnd else { throw Malformed() }
            return note
        } catch {
            throw Malformed()
        }
    }
}
