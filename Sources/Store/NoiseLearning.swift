import Foundation
import Git
import Results
import Statistics
import Support

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Learns each machine's run-to-run spread from every set of repeated runs of one tree there: calibration
/// runs, re-runs, a commit measured twice, rewritten commits with the same tree. A new machine
/// fingerprint starts from nothing, so the spread of a machine that changed is forgotten.
///
/// Reading every note on each command would cost a JSON decode of every sample ever stored, so each note
/// blob's run values are kept in `.git/perfjournal/cache/run-values` (a blob never changes, so its line
/// never goes stale), and only blobs not seen before are decoded.
final class NoiseLearner {
    private let repository: Repository
    private let cacheFile: String
    private var summaries: [String: [RunValues]] = [:]
    private var added: [String: [RunValues]] = [:]
    private var models: [String: NoiseModel] = [:]

    /// One run as the learner needs it: the log value of each benchmark.
    struct RunValues: Codable {
        var id: String
        var tree: String
        var machine: String
        var disturbed: Bool
        var values: [String: Double]
    }

    init(repository: Repository, cacheFile: String) {
        self.repository = repository
        self.cacheFile = cacheFile
        // Split as bytes: splitting a long String by Characters costs more than decoding its lines.
        guard let data = FileManager.default.contents(atPath: cacheFile) else { return }
        for line in [UInt8](data).split(separator: UInt8(ascii: "\n")) where line.count > 41 {
            let blob = String(decoding: line.prefix(40), as: UTF8.self)
            let json = String(decoding: line.dropFirst(41), as: UTF8.self)
            if let runs = try? JSONValueDecoder.decode([RunValues].self, json: json) { summaries[blob] = runs }
        }
    }

    deinit { save() }

    /// The spread per benchmark on `machine`, from the notes in `measured` (commit → note blob). The
    /// notes not learned from yet are read by `notes` (all at once: those the command decoded already are
    /// not read again, and the others are read on every core); a note it cannot give is read here.
    func model(
        machine: String, measured: [ObjectID: ObjectID], notes: ([ObjectID]) -> [(commit: ObjectID, note: Note)]?
    ) -> NoiseModel {
        if let model = models[machine] { return model }
        let unknown = measured.filter { summaries[$0.value.hex] == nil }.map(\.key)
        if !unknown.isEmpty, let read = notes(unknown) {
            for (commit, note) in read {
                guard let blob = measured[commit], summaries[blob.hex] == nil else { continue }
                remember(note, blob: blob)
            }
        }
        var seen = Set<String>()
        var byTree: [String: [RunValues]] = [:]
        for (commit, blob) in measured {
            for run in runs(blob: blob, commit: commit) where run.machine == machine && !run.disturbed {
                if seen.insert(run.id).inserted { byTree[run.tree, default: []].append(run) }
            }
        }
        let model = NoiseModel.learned(fromTrees: byTree.values.map { $0.map(\.values) })
        models[machine] = model
        return model
    }

    /// The runs of one note blob; an unreadable note teaches nothing (and is reported where it is read).
    private func runs(blob: ObjectID, commit: ObjectID) -> [RunValues] {
        if let known = summaries[blob.hex] { return known }
        guard let text = try? repository.noteText(blob: blob), let note = try? NoteCodec.decode(text, commit: commit) else {
            return []
        }
        return remember(note, blob: blob)
    }

    @discardableResult
    private func remember(_ note: Note, blob: ObjectID) -> [RunValues] {
        let runs = note.runs.map { run in
            RunValues(
                id: run.id, tree: run.tree, machine: run.machine.id, disturbed: run.disturbed != nil,
                values: NoiseModel.runValues(run.results))
        }
        summaries[blob.hex] = runs
        added[blob.hex] = runs
        return runs
    }

    private func save() {
        guard !added.isEmpty, CommitGraph.prepareCacheDirectory(for: cacheFile) else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var text = ""
        for (blob, runs) in added.sorted(by: { $0.key < $1.key }) {
            guard let data = try? encoder.encode(runs) else { continue }
            text += blob + " " + String(decoding: data, as: UTF8.self) + "\n"
        }
        // One O_APPEND write: concurrent writers add whole lines, and a torn line is skipped on the next read.
        let fd = open(cacheFile, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }
}
