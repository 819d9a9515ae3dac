import Foundation
import Results

/// Reads a profile note (`ProfileNote`'s JSON, as `ProfileStore.encode` writes it) with the `Results` JSON
/// scanner rather than JSONDecoder. A note holds a row per function, up to 300 per benchmark, and
/// JSONDecoder's per-value containers made `perfjournal profile A B` on 100 benchmarks × 300 functions
/// take seconds (`Benchmarks/profile-speed.sh`, part 3). What it accepts is what the `Decodable`
/// conformances accept: unknown keys are ignored, optional fields may be null or absent, counts must be
/// whole numbers.
enum ProfileNoteReader {
    enum Failure: Error, CustomStringConvertible {
        case malformed
        /// "missing 'runs.x.benchmarks[0].name'" / "bad value at '…'", worded as `NoteCodec.describe` words them.
        case missing(String)
        case bad(String)
        /// Written by a newer perfjournal: its layout may differ, so it is not read any further.
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

    static func read(_ data: Data) throws(Failure) -> ProfileNote {
        let root: JSONValue
        do {
            root = try JSONValue.parse(data)
        } catch {
            throw .malformed
        }
        guard let top = root.object else { throw .bad("") }
        guard let schemaValue = top["schema"] else { throw .missing("schema") }
        guard let schema = int(schemaValue) else { throw .bad("schema") }
        if schema > ProfileNote.currentSchema { throw .newerSchema(schema) }
        guard let runsValue = top["runs"] else { throw .missing("runs") }
        guard let runs = runsValue.object else { throw .bad("runs") }
        var note = ProfileNote()
        note.schema = schema
        note.runs.reserveCapacity(runs.count)
        for (id, value) in runs { note.runs[id] = try runProfile(value, path: "runs." + id) }
        return note
    }

    static func runProfile(_ value: JSONValue, path: String) throws(Failure) -> RunProfile {
        guard let members = value.object else { throw .bad(path) }
        let python = try optionalString(members["python"], path: path + ".python")
        guard let benchmarksValue = members["benchmarks"] else { throw .missing(path + ".benchmarks") }
        guard case .array(let items) = benchmarksValue else { throw .bad(path + ".benchmarks") }
        var benchmarks: [BenchmarkProfile] = []
        benchmarks.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            benchmarks.append(try benchmark(item, path: "\(path).benchmarks[\(index)]"))
        }
        return RunProfile(python: python, benchmarks: benchmarks)
    }

    static func benchmark(_ value: JSONValue, path: String) throws(Failure) -> BenchmarkProfile {
        guard let m = value.object else { throw .bad(path) }
        guard let nameValue = m["name"] else { throw .missing(path + ".name") }
        guard let name = nameValue.string else { throw .bad(path + ".name") }
        var b = BenchmarkProfile(
            name: name, loops: try optionalInt(m["loops"], path: path + ".loops"),
            totalSeconds: try optionalDouble(m["total_seconds"], path: path + ".total_seconds"),
            peakMemoryBytes: try optionalInt(m["peak_memory_bytes"], path: path + ".peak_memory_bytes"),
            peakMemoryTool: try optionalString(m["peak_memory_tool"], path: path + ".peak_memory_tool"),
            omitted: try optionalInt(m["omitted"], path: path + ".omitted"),
            dump: try optionalString(m["dump"], path: path + ".dump"))
        b.functions = try rows(m["functions"], path: path + ".functions", row: function)
        b.edges = try rows(m["edges"], path: path + ".edges", row: edge)
        return b
    }

    /// `[file, name, line, primitive calls, calls, self seconds, cumulative seconds]`; nil when it is not one.
    static func function(_ row: JSONValue) -> ProfiledFunction? {
        guard case .array(let f) = row, f.count == 7, let file = f[0].string, let name = f[1].string, let line = int(f[2]),
            let primitive = int(f[3]), let calls = int(f[4]), let selfSeconds = f[5].number, let cumulative = f[6].number
        else { return nil }
        return ProfiledFunction(
            file: file, name: name, line: line, primitiveCalls: primitive, calls: calls, selfSeconds: selfSeconds, cumulativeSeconds: cumulative)
    }

    /// `[caller, callee, calls, cumulative seconds]`: all numbers, which the scanner keeps unboxed.
    static func edge(_ row: JSONValue) -> ProfileEdge? {
        guard case .numbers(let e) = row, e.count == 4, let caller = int(e[0]), let callee = int(e[1]), let calls = int(e[2]) else { return nil }
        return ProfileEdge(caller: caller, callee: callee, calls: calls, cumulativeSeconds: e[3])
    }

    /// An optional array of rows (null or absent is empty); the path of a bad row is formatted only then.
    static func rows<T>(_ value: JSONValue?, path: String, row: (JSONValue) -> T?) throws(Failure) -> [T] {
        switch value {
        case nil, .null?: return []
        case .array(let items)?:
            var out: [T] = []
            out.reserveCapacity(items.count)
            for (index, item) in items.enumerated() {
                guard let parsed = row(item) else { throw .bad("\(path)[\(index)]") }
                out.append(parsed)
            }
            return out
        default: throw .bad(path)
        }
    }

    /// A whole number, as `Int`'s `Decodable` takes one.
    static func int(_ value: JSONValue) -> Int? {
        guard case .number(let x) = value else { return nil }
        return int(x)
    }

    static func int(_ x: Double) -> Int? {
        x.rounded(.towardZero) == x && abs(x) < 9.2e18 ? Int(x) : nil
    }

    static func optionalInt(_ value: JSONValue?, path: @autoclosure () -> String) throws(Failure) -> Int? {
        guard let value, value != .null else { return nil }
        guard let x = int(value) else { throw .bad(path()) }
        return x
    }

    static func optionalDouble(_ value: JSONValue?, path: @autoclosure () -> String) throws(Failure) -> Double? {
        guard let value, value != .null else { return nil }
        guard let x = value.number else { throw .bad(path()) }
        return x
    }

    static func optionalString(_ value: JSONValue?, path: @autoclosure () -> String) throws(Failure) -> String? {
        guard let value, value != .null else { return nil }
        guard let s = value.string else { throw .bad(path()) }
        return s
    }
}
