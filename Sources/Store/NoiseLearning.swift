import Foundation
import Git
import Results
import Statistics
import Support

/// Learns each machine's run-to-run spread from every set of repeated runs of one tree there: calibration
/// runs, re-runs, a commit measured twice, rewritten commits with the same tree. A new machine
/// fingerprint starts from nothing, so the spread of a machine that changed is forgotten.
///
/// Reading every note on each command would cost a decode of every sample ever stored, so each note
/// blob's run values are kept in `.git/perfjournal/cache/run-values` (a blob never changes, so its entry
/// never goes stale), and only blobs not seen before are decoded. The entries are bytes
/// (`RunValues.encode`): read as JSON through Codable, 2,000 of them took a quarter of a second. The
/// model learned is kept too, in `noise-models`, by machine and the set of note blobs it was learned
/// from: while no note changes, no run value is read at all.
final class NoiseLearner {
    private let repository: Repository
    private let cache: KeyedCacheFile
    private let learned: KeyedCacheFile
    private var summaries: [String: [RunValues]] = [:]
    private var models: [String: NoiseModel] = [:]
    /// Benchmark names read from the cache, one copy each.
    private var names: [ArraySlice<UInt8>: String] = [:]

    /// One run as the learner needs it: the log value of each benchmark.
    struct RunValues: Equatable {
        var id: String
        var tree: String
        var machine: String
        var disturbed: Bool
        var values: [String: Double]
    }

    init(repository: Repository, cacheFile: String, modelCacheFile: String) {
        self.repository = repository
        cache = KeyedCacheFile(path: cacheFile, format: "run values 2", keySize: 40)
        learned = KeyedCacheFile(path: modelCacheFile, format: "noise models 1", keySize: 32)
    }

    /// The spread per benchmark on `machine`, from the notes in `measured` (commit → note blob). The
    /// notes not learned from yet are read by `notes` (all at once: those the command decoded already are
    /// not read again, and the others are read on every core); a note it cannot give is read here.
    func model(
        machine: String, measured: [ObjectID: ObjectID], notes: ([ObjectID]) -> [(commit: ObjectID, note: Note)]?
    ) -> NoiseModel {
        if let model = models[machine] { return model }
        let key = SHA256.digest(Array((machine + "\n" + measured.values.map(\.hex).sorted().joined(separator: "\n")).utf8))
        if let payload = learned.payload(key), let model = try? Self.decode(model: payload) {
            models[machine] = model
            return model
        }
        let unknown = measured.filter { known(blob: $0.value) == nil }.map(\.key)
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
        learned.add(key, Self.encode(model: model))
        return model
    }

    /// The runs of one note blob; an unreadable note teaches nothing (and is reported where it is read).
    private func runs(blob: ObjectID, commit: ObjectID) -> [RunValues] {
        if let known = known(blob: blob) { return known }
        guard let text = try? repository.noteText(blob: blob), let note = try? NoteCodec.decode(text, commit: commit) else {
            return []
        }
        return remember(note, blob: blob)
    }

    /// The runs of a blob learned before, by this process or from the cache.
    private func known(blob: ObjectID) -> [RunValues]? {
        let hex = blob.hex
        if let known = summaries[hex] { return known }
        guard let payload = cache.payload(Array(hex.utf8)), let runs = try? RunValues.decode(payload, names: &names) else { return nil }
        summaries[hex] = runs
        return runs
    }

    @discardableResult
    private func remember(_ note: Note, blob: ObjectID) -> [RunValues] {
        let runs = note.runs.map { run in
            RunValues(
                id: run.id, tree: run.tree, machine: run.machine.id, disturbed: run.disturbed != nil,
                values: NoiseModel.runValues(run.results))
        }
        summaries[blob.hex] = runs
        cache.add(Array(blob.hex.utf8), RunValues.encode(runs))
        return runs
    }
}

extension NoiseLearner {
    /// A learned model as cache bytes: its benchmarks by name, each with its spread and degrees of freedom.
    static func encode(model: NoiseModel) -> [UInt8] {
        var out = ByteWriter()
        out.count(model.byBenchmark.count)
        for (name, learned) in model.byBenchmark.sorted(by: { $0.key < $1.key }) {
            out.string(name)
            out.double(learned.spread)
            out.integer(learned.degreesOfFreedom)
        }
        return out.bytes
    }

    static func decode(model bytes: [UInt8]) throws -> NoiseModel {
        var input = ByteReader(bytes: bytes)
        var byBenchmark: [String: LearnedSpread] = [:]
        for _ in 0..<(try input.count()) {
            let name = try input.string()
            byBenchmark[name] = LearnedSpread(spread: try input.double(), degreesOfFreedom: try input.integer())
        }
        guard input.atEnd else { throw ByteReader.Truncated() }
        return NoiseModel(byBenchmark: byBenchmark)
    }
}

extension NoiseLearner.RunValues {
    /// A blob's runs as cache bytes: per run its id, tree, machine, disturbed flag, then its values by name.
    static func encode(_ runs: [Self]) -> [UInt8] {
        var out = ByteWriter()
        out.count(runs.count)
        for run in runs {
            out.string(run.id)
            out.string(run.tree)
            out.string(run.machine)
            out.byte(run.disturbed ? 1 : 0)
            out.count(run.values.count)
            for (name, value) in run.values.sorted(by: { $0.key < $1.key }) {
                out.string(name)
                out.double(value)
            }
        }
        return out.bytes
    }

    /// What `encode` wrote; `names` keeps one copy of each benchmark name across blobs.
    static func decode(_ bytes: [UInt8], names: inout [ArraySlice<UInt8>: String]) throws -> [Self] {
        var input = ByteReader(bytes: bytes)
        let runs = try (0..<input.count()).map { _ in
            let id = try input.string(), tree = try input.string(), machine = try input.string()
            let disturbed = try input.byte() != 0
            let count = try input.count()
            var values: [String: Double] = Dictionary(minimumCapacity: count)
            for _ in 0..<count {
                let raw = try input.take(try input.count())
                let name = names[raw] ?? String(decoding: raw, as: UTF8.self)
                names[raw] = name
                values[name] = try input.double()
            }
            return Self(id: id, tree: tree, machine: machine, disturbed: disturbed, values: values)
        }
        guard input.atEnd else { throw ByteReader.Truncated() }
        return runs
    }
}
