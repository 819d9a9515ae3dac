import Foundation
import Results

/// Reads a profile note (`ProfileNote`'s JSON, as `ProfileStore.encode` writes it) with the `Results`
/// scanner's pull cursor, straight into the profile types. A note holds a row per function, up to 300 per
/// benchmark: JSONDecoder's per-value containers made `perfjournal profile A B` on 100 benchmarks × 300
/// functions take seconds, and a `JSONValue` tree of it most of a second (`Benchmarks/profile-speed.sh`,
/// part 3). What it accepts is what the `Decodable` conformances accept: unknown keys are ignored,
/// optional fields may be null or absent, counts must be whole numbers.
enum ProfileNoteReader {
    enum Failure: Error, CustomStringConvertible {
        case malformed
        /// "missing 'runs.x.benchmarks[0].name'" / "bad value at '…'", worded as `NoteCodec.describe` words them.
        case missing(String)
        case bad(String)
        /// Written by a newer perfjournal: its layout may differ, so what did not read is not the news.
        case newerSchema(Int)

        var description: String {
            switch self {
            case .malformed: return "malformed JSON"
            case .missing(let path): return "missing '\(path)'"
            case .bad(let path): return "bad value at '\(path)'"
            case .newerSchema(let schema): return "schema \(schema)"
            }
        }
    }

    /// Without `edges`, each benchmark's `edges` are skipped (their syntax checked, not their rows).
    static func read(_ bytes: UnsafeRawBufferPointer, edges: Bool = true) throws(Failure) -> ProfileNote {
        var schema: Int?
        var runs: [String: RunProfile]?
        do {
            try JSONCursor.read(bytes) { c in
                guard c.peek() == .object else { throw Failure.bad("") }
                try c.enterObject()
                while let key = try c.nextMember() {
                    switch key {
                    case "schema":
                        guard c.peek() == .number, let value = int(try c.number()) else { throw Failure.bad("schema") }
                        schema = value
                    case "runs":
                        guard c.peek() == .object else { throw Failure.bad("runs") }
                        var read: [String: RunProfile] = [:]
                        try c.enterObject()
                        while let id = try c.nextMember() { read[id] = try runProfile(&c, path: "runs." + id, edges: edges) }
                        runs = read
                    default: try c.skip()
                    }
                }
            }
        } catch let failure as Failure {
            // The keys are sorted, so the runs come before the schema: a note of a newer schema that did not
            // read as this one says so rather than what failed.
            if case .number(let newer)? = (try? JSONValue.parse(Data(bytes)))?["schema"], newer > Double(ProfileNote.currentSchema) {
                throw .newerSchema(Int(newer))
            }
            throw failure
        } catch {
            throw .malformed
        }
        guard let schema else { throw .missing("schema") }
        if schema > ProfileNote.currentSchema { throw .newerSchema(schema) }
        guard let runs else { throw .missing("runs") }
        var note = ProfileNote(runs: runs)
        note.schema = schema
        return note
    }

    static func runProfile(_ c: inout JSONCursor, path: String, edges: Bool) throws -> RunProfile {
        guard c.peek() == .object else { throw Failure.bad(path) }
        var python: String?
        var benchmarks: [BenchmarkProfile]?
        try c.enterObject()
        while let key = try c.nextMember() {
            switch key {
            case "python": python = try optionalString(&c, path + ".python")
            case "benchmarks":
                guard c.peek() == .array else { throw Failure.bad(path + ".benchmarks") }
                var list: [BenchmarkProfile] = []
                try c.enterArray()
                while try c.nextElement() { list.append(try benchmark(&c, path: "\(path).benchmarks[\(list.count)]", edges: edges)) }
                benchmarks = list
            default: try c.skip()
            }
        }
        guard let benchmarks else { throw Failure.missing(path + ".benchmarks") }
        return RunProfile(python: python, benchmarks: benchmarks)
    }

    static func benchmark(_ c: inout JSONCursor, path: String, edges: Bool) throws -> BenchmarkProfile {
        guard c.peek() == .object else { throw Failure.bad(path) }
        var b = BenchmarkProfile(name: "", loops: nil, totalSeconds: nil, peakMemoryBytes: nil)
        var named = false
        try c.enterObject()
        while let key = try c.nextMember() {
            switch key {
            case "name":
                guard c.peek() == .string else { throw Failure.bad(path + ".name") }
                b.name = try c.string()
                named = true
            case "loops": b.loops = try optionalInt(&c, path + ".loops")
            case "total_seconds": b.totalSeconds = try optionalDouble(&c, path + ".total_seconds")
            case "peak_memory_bytes": b.peakMemoryBytes = try optionalInt(&c, path + ".peak_memory_bytes")
            case "peak_memory_tool": b.peakMemoryTool = try optionalString(&c, path + ".peak_memory_tool")
            case "omitted": b.omitted = try optionalInt(&c, path + ".omitted")
            case "dump": b.dump = try optionalString(&c, path + ".dump")
            case "functions": b.functions = try rows(&c, path: path + ".functions", row: function)
            case "edges" where !edges: try c.skip()
            case "edges": b.edges = try rows(&c, path: path + ".edges", row: edge)
            default: try c.skip()
            }
        }
        guard named else { throw Failure.missing(path + ".name") }
        return b
    }

    /// An optional array of rows (null or absent is empty); `row` is nil for one that is not a row, whose
    /// path is formatted only then.
    static func rows<T>(_ c: inout JSONCursor, path: String, row: (inout JSONCursor) throws -> T?) throws -> [T] {
        switch c.peek() {
        case .null?:
            try c.skip()
            return []
        case .array?:
            var out: [T] = []
            try c.enterArray()
            while try c.nextElement() {
                guard let parsed = try row(&c) else { throw Failure.bad("\(path)[\(out.count)]") }
                out.append(parsed)
            }
            return out
        default: throw Failure.bad(path)
        }
    }

    /// `[file, name, line, primitive calls, calls, self seconds, cumulative seconds]`.
    static func function(_ c: inout JSONCursor) throws -> ProfiledFunction? {
        guard c.peek() == .array else { return nil }
        var f = ProfiledFunction(file: "", name: "", line: 0, primitiveCalls: 0, calls: 0, selfSeconds: 0, cumulativeSeconds: 0)
        var fields = 0
        var good = true
        try c.enterArray()
        while try c.nextElement() {
            let kind = c.peek()
            switch (fields, kind) {
            case (0, .string?): f.file = try c.repeatedString()
            case (1, .string?): f.name = try c.repeatedString()
            case (2, .number?): if !set(&f.line, try c.number()) { good = false }
            case (3, .number?): if !set(&f.primitiveCalls, try c.number()) { good = false }
            case (4, .number?): if !set(&f.calls, try c.number()) { good = false }
            case (5, .number?): f.selfSeconds = try c.number()
            case (6, .number?): f.cumulativeSeconds = try c.number()
            default:
                good = false
                try c.skip()
            }
            fields += 1
        }
        return good && fields == 7 ? f : nil
    }

    /// `[caller, callee, calls, cumulative seconds]`.
    static func edge(_ c: inout JSONCursor) throws -> ProfileEdge? {
        guard c.peek() == .array else { return nil }
        var e = ProfileEdge(caller: 0, callee: 0, calls: 0, cumulativeSeconds: 0)
        var fields = 0
        var good = true
        try c.enterArray()
        while try c.nextElement() {
            guard c.peek() == .number else {
                good = false
                try c.skip()
                fields += 1
                continue
            }
            let x = try c.number()
            switch fields {
            case 0: if !set(&e.caller, x) { good = false }
            case 1: if !set(&e.callee, x) { good = false }
            case 2: if !set(&e.calls, x) { good = false }
            case 3: e.cumulativeSeconds = x
            default: good = false
            }
            fields += 1
        }
        return good && fields == 4 ? e : nil
    }

    /// Stores `x` when it is a whole number, as `Int`'s `Decodable` takes one.
    static func set(_ target: inout Int, _ x: Double) -> Bool {
        guard let value = int(x) else { return false }
        target = value
        return true
    }

    static func int(_ x: Double) -> Int? {
        x.rounded(.towardZero) == x && abs(x) < 9.2e18 ? Int(x) : nil
    }

    static func optionalInt(_ c: inout JSONCursor, _ path: @autoclosure () -> String) throws -> Int? {
        switch c.peek() {
        case .null?:
            try c.skip()
            return nil
        case .number?:
            guard let x = int(try c.number()) else { throw Failure.bad(path()) }
            return x
        default: throw Failure.bad(path())
        }
    }

    static func optionalDouble(_ c: inout JSONCursor, _ path: @autoclosure () -> String) throws -> Double? {
        switch c.peek() {
        case .null?:
            try c.skip()
            return nil
        case .number?: return try c.number()
        default: throw Failure.bad(path())
        }
    }

    static func optionalString(_ c: inout JSONCursor, _ path: @autoclosure () -> String) throws -> String? {
        switch c.peek() {
        case .null?:
            try c.skip()
            return nil
        case .string?: return try c.string()
        default: throw Failure.bad(path())
        }
    }
}
