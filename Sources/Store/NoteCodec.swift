import Foundation
import Git
import Results
import Support

/// Note text <-> `Note`. The text is pretty JSON with sorted keys, so `git notes show` is readable and
/// the same note always has the same bytes; arrays of numbers stay on one line to keep samples compact.
public enum NoteCodec {
    /// The note's text: `JSONEncoder` (sorted keys) laid out by `JSONLayout.pretty`, byte for byte. It is
    /// assembled from each run's `fragment`, so runs encoded once (by the writer that spooled them) are
    /// written into a note without being encoded again.
    public static func encode(_ note: Note) throws -> String {
        assemble(schema: note.schema, fragments: try note.runs.map(fragment))
    }

    /// A run as it stands in a note's `runs` array (indented for that depth, no separator).
    ///
    /// `JSONEncoder` spends almost all its time on the samples, one generic call per number (about 0.2 s
    /// for a run of 48,000), so the run is encoded with each sample array empty and the numbers are written
    /// into those places by `JSONLayout.pretty`, as `JSONEncoder` writes them. Should the empty arrays not
    /// line up with the runs' sample arrays (a key "samples" with an empty array elsewhere in the run), the
    /// run is encoded the slow way.
    static func fragment(_ run: Run) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var hollow = run
        var samples: [[Double]] = []
        for index in hollow.results.indices {
            guard let values = hollow.results[index].samples else { continue }
            for value in values where !value.isFinite {
                throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "sample \(value) is not a finite number"))
            }
            samples.append(values)
            hollow.results[index].samples = []
        }
        if let fast = JSONLayout.pretty(try encoder.encode(hollow), depth: 2, samples: samples) { return fast }
        return JSONLayout.pretty(try encoder.encode(run), depth: 2)!
    }

    /// The note text holding `fragments` as its runs.
    static func assemble(schema: Int, fragments: [String]) -> String {
        assembling(schema: schema, fragments: fragments).text
    }

    /// `assemble`, and the UTF-8 offset of each fragment in the text.
    static func assembling(schema: Int, fragments: [String]) -> (text: String, offsets: [Int]) {
        if fragments.isEmpty { return ("{\n  \"runs\": [],\n  \"schema\": \(schema)\n}\n", []) }
        var text = "{\n  \"runs\": [\n    "
        text.reserveCapacity(fragments.reduce(64) { $0 + $1.utf8.count + 6 })
        var offsets: [Int] = []
        for (index, fragment) in fragments.enumerated() {
            if index > 0 { text += ",\n    " }
            offsets.append(text.utf8.count)
            text += fragment
        }
        return (text + suffix(schema: schema), offsets)
    }

    private static func suffix(schema: Int) -> String { "\n  ],\n  \"schema\": \(schema)\n}\n" }

    /// The schema and run ids of `text`, read off the layout `encode` gives a note instead of decoding it
    /// (a note of 32 runs of 48,000 samples is 35 MB): each run's id is on the one line of that run indented
    /// by six spaces that starts with `"id": ` (keys of nested objects are indented further, and no string
    /// holds a raw newline). Ids are returned as their JSON text (`literal`). Nil when `text` is not laid out
    /// as `encode` lays out a note with runs, or the counts of runs and ids differ: then decode it.
    ///
    /// A note in that exact layout was written by perfjournal, so runs are appended to it unread; one that
    /// was edited by hand into something unreadable while keeping the layout is not noticed here (readers
    /// still report it, and `doctor` moves it aside).
    static func runIDs(in text: String) -> (schema: Int, ids: [String])? {
        var text = text
        return text.withUTF8 { bytes -> (schema: Int, ids: [String])? in
            let head = Array("{\n  \"runs\": [\n    {\n".utf8)
            guard bytes.count > head.count, bytes.prefix(head.count).elementsEqual(head) else { return nil }
            // The end: `\n  ],\n  "schema": <digits>\n}\n`.
            let tail = Array("\n}\n".utf8)
            guard bytes.suffix(tail.count).elementsEqual(tail) else { return nil }
            var digitsStart = bytes.count - tail.count
            while digitsStart > 0 && bytes[digitsStart - 1] >= 48 && bytes[digitsStart - 1] <= 57 { digitsStart -= 1 }
            let schemaKey = Array("\n  ],\n  \"schema\": ".utf8)
            guard digitsStart < bytes.count - tail.count, digitsStart >= schemaKey.count,
                bytes[(digitsStart - schemaKey.count)..<digitsStart].elementsEqual(schemaKey),
                let schema = Int(String(decoding: bytes[digitsStart..<(bytes.count - tail.count)], as: UTF8.self))
            else { return nil }
            let idKey = Array("      \"id\": ".utf8)
            let runStart = Array("    {".utf8)
            var ids: [String] = []
            var runs = 0
            var line = 0
            while line < bytes.count {
                var end = line
                while end < bytes.count && bytes[end] != 10 { end += 1 }
                let length = end - line
                if length == runStart.count && bytes[line..<end].elementsEqual(runStart) {
                    runs += 1
                } else if length > idKey.count && bytes[line..<(line + idKey.count)].elementsEqual(idKey) {
                    let valueEnd = bytes[end - 1] == 44 ? end - 1 : end  // without the trailing comma
                    ids.append(String(decoding: bytes[(line + idKey.count)..<valueEnd], as: UTF8.self))
                }
                line = end + 1
            }
            // The first run opens on the `"runs": [` line's next line, counted above like the others.
            return runs == ids.count ? (schema, ids) : nil
        }
    }

    /// A run id as `encode` writes it, to compare with `runIDs`.
    static func literal(_ id: String) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return String(decoding: try encoder.encode(id), as: UTF8.self)
    }

    /// `text` with `fragments` appended to its runs, when `text` is laid out as `encode` lays out a note of
    /// `schema` with at least one run; nil otherwise (then encode the note instead). Appending leaves every
    /// byte of the runs already there as it is, so the result is what `encode` gives for the longer note.
    /// With the text, the UTF-8 offset of each fragment in it.
    static func appending(_ fragments: [String], to text: String, schema: Int) -> (text: String, offsets: [Int])? {
        let end = suffix(schema: schema)
        guard text.hasPrefix("{\n  \"runs\": [\n    {"), text.hasSuffix(end) else { return nil }
        var result = ""
        result.reserveCapacity(text.utf8.count + fragments.reduce(0) { $0 + $1.utf8.count + 6 })
        result += text[..<text.utf8.index(text.endIndex, offsetBy: -end.utf8.count)]
        var offsets: [Int] = []
        for fragment in fragments {
            result += ",\n    "
            offsets.append(result.utf8.count)
            result += fragment
        }
        result += end
        return (result, offsets)
    }

    /// The way out of every "not a perfjournal note" error, named in its message.
    public static let doctorHint = "`perfjournal doctor --fix` moves unreadable notes aside"

    /// Why a note cannot be read: it is not a perfjournal note, or a newer perfjournal wrote it.
    public enum Unreadable: Error, Equatable, Sendable {
        case notANote(String)
        case newerSchema(Int)

        /// Follows "note on <commit> ": "is not a perfjournal note: malformed JSON".
        public var phrase: String {
            switch self {
            case .notANote(let why): return "is not a perfjournal note: \(why)"
            case .newerSchema(let schema):
                return "has schema \(schema); this perfjournal reads up to \(Note.currentSchema) (upgrade perfjournal)"
            }
        }
    }

    public static func decode(_ text: String, commit: ObjectID) throws -> Note {
        try note(read(text), commit: commit)
    }

    /// The note, or the error `decode` throws for it.
    static func note(_ result: Result<Note, Unreadable>, commit: ObjectID) throws -> Note {
        switch result {
        case .success(let note): return note
        case .failure(.notANote(let why)):
            throw PerfJournalError(.store, file: NoteStore.ref, "note on \(commit.short) \(Unreadable.notANote(why).phrase); \(doctorHint)")
        case .failure(let unreadable):
            throw PerfJournalError(.store, file: NoteStore.ref, "note on \(commit.short) \(unreadable.phrase)")
        }
    }

    /// The note, or why it cannot be read; never throws.
    ///
    /// Long histories read thousands of notes, mostly sample arrays: perfjournal's own JSON scanner reads
    /// them several times faster than JSONDecoder. It takes only what it reads exactly as JSONDecoder
    /// would; every other note (and every unreadable one, so the reasons keep their wording) goes to
    /// JSONDecoder.
    public static func read(_ text: String) -> Result<Note, Unreadable> {
        if let value = JSONValue.parseAsJSONDecoderWould(text), let note = read(value) { return note }
        return readWithJSONDecoder(text)
    }

    /// The note in `value`, what `JSONValue.parseAsJSONDecoderWould` made of a note's text; nil when only
    /// JSONDecoder may say (then read the text).
    static func read(_ value: JSONValue) -> Result<Note, Unreadable>? {
        guard let note = JSONValueDecoder.decode(Note.self, from: value) else { return nil }
        guard note.schema <= Note.currentSchema else { return .failure(.newerSchema(note.schema)) }
        return .success(note)
    }

    /// What JSONDecoder makes of the text: the reading `read` must always agree with.
    static func readWithJSONDecoder(_ text: String) -> Result<Note, Unreadable> {
        do {
            let note = try JSONDecoder().decode(Note.self, from: Data(text.utf8))
            guard note.schema <= Note.currentSchema else { return .failure(.newerSchema(note.schema)) }
            return .success(note)
        } catch {
            return .failure(.notANote(describe(error)))
        }
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "missing '\(path(context.codingPath + [key]))'"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "bad value at '\(path(context.codingPath))'"
        case DecodingError.dataCorrupted(let context):
            return context.codingPath.isEmpty ? "malformed JSON" : "bad value at '\(path(context.codingPath))'"
        default:
            return "\(error)"
        }
    }

    /// A coding path as the JSON reads: `runs[0].source`, not `runs.Index 0.source`.
    static func path(_ keys: [any CodingKey]) -> String {
        var text = ""
        for key in keys {
            if let index = key.intValue, key.stringValue.hasPrefix("Index ") || key.stringValue == "\(index)" {
                text += "[\(index)]"
            } else {
                text += (text.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return text
    }
}

/// Re-indents compact JSON: objects and arrays of containers one entry per line, arrays of scalars
/// on a single line.
enum JSONLayout {
    static func pretty(_ compact: Data) -> String {
        pretty(compact, depth: 0)!
    }

    /// `compact` laid out as if nested `depth` levels deep. With `samples`, each empty array under a key
    /// "samples" is filled, in order, with the next of them, numbers written as `JSONEncoder` writes them;
    /// nil when the counts differ.
    static func pretty(_ compact: Data, depth startDepth: Int, samples: [[Double]]? = nil) -> String? {
        let bytes = [UInt8](compact)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count + bytes.count / 4 + (samples?.reduce(0) { $0 + $1.count * 24 } ?? 0))
        var depth = startDepth
        var filled = 0
        let samplesKey = Array("\"samples\":[]".utf8)
        var i = 0
        // Per open bracket: does it print inline?
        var inline: [Bool] = []

        func newline() {
            out.append(10)
            out.append(contentsOf: repeatElement(32, count: depth * 2))
        }
        func scalarArray(from start: Int) -> Bool {
            // True when the array opening at `start` holds no object or array.
            var j = start + 1
            var inString = false
            while j < bytes.count {
                let c = bytes[j]
                if inString {
                    if c == 92 { j += 2; continue }
                    if c == 34 { inString = false }
                } else {
                    switch c {
                    case 34: inString = true
                    case 91, 123: return false
                    case 93: return true
                    default: break
                    }
                }
                j += 1
            }
            return true
        }

        while i < bytes.count {
            let c = bytes[i]
            switch c {
            case 34:  // copy a whole string, escapes included
                var j = i + 1
                while j < bytes.count && bytes[j] != 34 { j += bytes[j] == 92 ? 2 : 1 }
                if let samples, j == i + 8, bytes[i..<min(i + samplesKey.count, bytes.count)].elementsEqual(samplesKey) {
                    guard filled < samples.count else { return nil }
                    out.append(contentsOf: samplesKey.prefix(10))  // "samples":
                    out.append(contentsOf: [32, 91])
                    for (index, value) in samples[filled].enumerated() {
                        if index > 0 { out.append(contentsOf: [44, 32]) }
                        // JSONEncoder's form: the shortest round-trip digits, without a trailing ".0". Copied from
                        // the String's own storage: appending its `utf8` view went element by element.
                        var text = value.description
                        text.withUTF8 { digits in
                            let n = digits.count
                            let whole = n >= 2 && digits[n - 2] == 46 && digits[n - 1] == 48  // ".0"
                            out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[..<(whole ? n - 2 : n)]))
                        }
                    }
                    out.append(93)
                    filled += 1
                    i += samplesKey.count
                    continue
                }
                out.append(contentsOf: bytes[i...min(j, bytes.count - 1)])
                i = j
            case 123, 91:
                let isInline = c == 91 && scalarArray(from: i)
                out.append(c)
                let closer: UInt8 = c == 123 ? 125 : 93
                if i + 1 < bytes.count && bytes[i + 1] == closer {
                    out.append(closer)
                    i += 1
                } else {
                    inline.append(isInline)
                    depth += 1
                    if !isInline { newline() }
                }
            case 125, 93:
                depth -= 1
                if inline.popLast() == false { newline() }
                out.append(c)
            case 44:
                out.append(44)
                if inline.last == true { out.append(32) } else { newline() }
            case 58:
                out.append(contentsOf: [58, 32])
            default:
                out.append(c)
            }
            i += 1
        }
        if let samples, filled != samples.count { return nil }
        return String(decoding: out, as: UTF8.self)
    }
}
