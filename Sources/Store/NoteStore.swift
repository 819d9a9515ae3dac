// swift-format-ignore-file
import Foundation
import Git
import Support

/// perfjournal's runs in `refs/notes/perfjournal`: one JSON note per commit, written as a
/// compare-and-swap on the notes ref so concurrent writers never lose a run.
public struct NoteStore {
    public static let ref = "refs/notes/perfjournal"
    public let repository: Repository

    public init(repository: Repository) {
        self.repository = repository
    }

    /// The note on `commit`, or nil when it has none.
    public func note(at commit: ObjectID) throws -> Note? {
        guard let text = try repository.noteText(ref: Self.ref, commit: commit) else { return nil }
        return try NoteCodec.decode(text, commit: commit)
    }

    /// Measured commits mapped to their note blobs; reads no note contents.
    public func measuredCommits() throws -> [ObjectID: ObjectID] {
        try repository.notedCommits(ref: Self.ref)
    }

    public func note(blob: ObjectID, commit: ObjectID) throws -> Note {
        try NoteCodec.decode(try repository.noteText(blob: blob), commit: commit)
    }

    /// Adds `run` to the note on `commit`. A run whose id is already there is not added twice, so a
    /// retried store (after a crash between storing and clearing a job) stays exactly-once.
    public func append(_ run: Run, to commit: ObjectID) throws {
        do {
            try repository.updateNote(ref: Self.ref, commit: commit, message: "perfjournal: \(run.source.rawValue) \(commit.short)") { current in
                var note = try current.map { try NoteCodec.decode($0, commit: commit) } ?? Note()
                if note.runs.contains(where: { $0.id == run.id }) { return nil }
                note.runs.append(run)
                return try NoteCodec.encode(note)
            }
        } catch let error as GitError {
            throw PerfJournalError(.store, file: Self.ref, "could not store the run on \(commit.short): \(error)")
        }
    }
}

/// Note text <-> `Note`. The text is pretty JSON with sorted keys, so `git notes show` is readable and
/// the same note always has the same bytes; arrays of numbers stay on one line to keep samples compact.
public enum NoteCodec {
    public static func encode(_ note: Note) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let compact = try encoder.encode(note)
        return JSONLayout.pretty(compact) + "\n"
    }

    public static func decode(_ text: String, commit: ObjectID) throws -> Note {
        do {
            let note = try JSONDecoder().decode(Note.self, from: Data(text.utf8))
            guard note.schema <= Note.currentSchema else {
                throw PerfJournalError(.store, file: NoteStore.ref, "note on \(commit.short) has schema \(note.schema); this perfjournal reads up to \(Note.currentSchema) (upgrade perfjournal)")
            }
            return note
        } catch let error as PerfJournalError {
            throw error
        } catch {
            throw PerfJournalError(.store, file: NoteStore.ref, "note on \(commit.short) is not a perfjournal note: \(describe(error))")
        }
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "missing '\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))'"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "bad value at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
        case DecodingError.dataCorrupted(let context):
            return context.codingPath.isEmpty ? "malformed JSON" : "bad value at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
        default:
            return "\(error)"
        }
    }
}

/// Re-indents compact JSON: objects and arrays of containers one entry per line, arrays of scalars
/// on a single line.
enum JSONLayout {
    static func pretty(_ compact: Data) -> String {
        let bytes = [UInt8](compact)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count + bytes.count / 4)
        var depth = 0
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
        return String(decoding: out, as: UTF8.self)
    }
}
