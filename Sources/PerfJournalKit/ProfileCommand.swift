import Foundation
import Git
import Store
import Support

import protocol Support.OutputStream

/// `perfjournal profile [REV]`: where a commit's benchmarks spend their time, from the profile stored with
/// its newest profiled run; `perfjournal profile A B`: what changed between two commits, function by
/// function. Read-only: it runs nothing (the dumps were converted when the run was made).
public enum ProfileCommand {
    public struct Options: Sendable {
        public var benchmark: String?
        public var top: Int?
        public var json = false
        /// Write a speedscope file (stacks estimated from caller→callee totals).
        public var speedscope: String?
        /// Copy the raw `.prof` dumps here (for snakeviz).
        public var prof: String?

        public init(benchmark: String? = nil, top: Int? = nil, json: Bool = false, speedscope: String? = nil, prof: String? = nil) {
            self.benchmark = benchmark
            self.top = top
            self.json = json
            self.speedscope = speedscope
            self.prof = prof
        }
    }

    public static func run(at path: String, revisions: [String], options: Options, output: OutputStream, progress: OutputStream) throws {
        // A read-only view of notes this repository wrote: not worth re-hashing megabytes of them.
        GitLibrary.skipHashVerificationOnRead()
        let workspace = try Workspace.open(at: path)
        guard revisions.count <= 2 else { throw PerfJournalError(.usage, "profile takes one revision, or two to compare") }
        let names = revisions.isEmpty ? ["HEAD"] : revisions
        let commits = try names.map { try workspace.resolve($0) }
        // Only the speedscope export walks the caller→callee rows.
        let edges = options.speedscope != nil
        // Two profiles are read and decoded at once (megabytes each), each thread with its own repository
        // handle (libgit2's are not for sharing); the first error in order is the one reported.
        let repositoryPath = workspace.repository.gitDir
        let cache = ProfileNoteCache(stateDirectory: workspace.stateDirectory)
        let found = try Parallel.map(
            commits, workers: commits.count, state: { try Repository(at: repositoryPath) },
            { repository, commit in try ProfileLookup.latest(at: commit, in: repository, edges: edges, cache: cache) })
        var sides: [(label: String, commit: ObjectID, run: Run, profile: RunProfile)] = []
        for (name, (commit, profile)) in zip(names, zip(commits, found)) {
            guard let profile else {
                throw PerfJournalError(
                    .notMeasured, file: ProfileStore.ref,
                    "no profile stored for \(commit.short) (profiles come with `perfjournal run` of a pytest-benchmark suite, [profile] enabled = true; another clone's arrive with `perfjournal fetch`)"
                )
            }
            sides.append((name, commit, profile.run, filter(profile.profile, options.benchmark)))
        }
        if let benchmark = options.benchmark, sides.allSatisfy({ $0.profile.benchmarks.isEmpty }) {
            throw PerfJournalError(.usage, "no profiled benchmark matches '\(benchmark)'")
        }
        if let directory = options.prof {
            try writeDumps(sides.map { ($0.label, $0.commit, $0.run, $0.profile) }, to: directory, workspace: workspace, progress: progress)
        }
        if let file = options.speedscope {
            let document = Speedscope.document(sides.map { ($0.commit.short, $0.profile) })
            try AtomicFile.write(try JSONText.encode(document), to: file)
            progress.line("wrote \(file) (speedscope; stacks are estimated: cProfile keeps caller→callee totals, not stacks)")
        }
        if sides.count == 1 {
            let side = sides[0]
            if options.json {
                output.write(utf8: singleJSON(commit: side.commit.hex, profile: side.profile, top: options.top))
            } else {
                output.write(text(commit: side.commit, run: side.run, profile: side.profile, top: options.top ?? 15))
            }
        } else {
            let diff = ProfileDiff.compare(sides[0].profile, sides[1].profile)
            if options.json {
                output.write(utf8: diffJSON(before: sides[0].commit.hex, after: sides[1].commit.hex, diff: diff, top: options.top))
            } else {
                output.write(text(before: sides[0].commit, after: sides[1].commit, diff: diff, top: options.top ?? 10))
            }
        }
    }

    /// Benchmarks named exactly `name`, else those whose name contains it.
    static func filter(_ profile: RunProfile, _ name: String?) -> RunProfile {
        guard let name else { return profile }
        var out = profile
        let exact = profile.benchmarks.filter { $0.name == name }
        out.benchmarks = exact.isEmpty ? profile.benchmarks.filter { $0.name.contains(name) } : exact
        return out
    }

    static func sorted(_ b: BenchmarkProfile) -> [ProfiledFunction] {
        b.functions.sorted { $0.cumulativeSeconds != $1.cumulativeSeconds ? $0.cumulativeSeconds > $1.cumulativeSeconds : $0.selfSeconds > $1.selfSeconds }
    }

    static func share(_ x: Double) -> String { Display.fixed(x * 100, decimals: 1) + "%" }

    static func text(commit: ObjectID, run: Run, profile: RunProfile, top: Int) -> String {
        var out = "profile of \(commit.short) (run \(run.id.prefix(8)), \(run.time)\(profile.python.map { ", Python \($0)" } ?? ""))\n"
        for b in profile.benchmarks {
            var facts: [String] = []
            if let total = b.totalSeconds { facts.append("\(Display.seconds(total)) a call under the profiler") }
            if let loops = b.loops { facts.append("\(loops) loop\(loops == 1 ? "" : "s")") }
            if let peak = b.peakMemoryBytes { facts.append("peak memory \(Display.bytes(peak))\(b.peakMemoryTool.map { " (\($0))" } ?? "")") }
            out += "\n\(b.name): \(facts.joined(separator: ", "))\n"
            guard b.hasFunctions else { out += "  (no function profile)\n"; continue }
            let loops = Double(max(1, b.loops ?? 1))
            var rows = [["cum", "self", "cumulative", "self time", "calls", "function"]]
            for f in sorted(b).prefix(top) {
                rows.append([
                    share(b.cumulativeShare(f)), share(b.selfShare(f)), Display.seconds(f.cumulativeSeconds), Display.seconds(f.selfSeconds),
                    Display.significant(Double(f.calls) / loops).replacingOccurrences(of: ".00", with: ""), "\(f.key):\(f.line)",
                ])
            }
            out += Display.table(rows, rightAligned: [0, 1, 2, 3, 4]).split(separator: "\n", omittingEmptySubsequences: false).map {
                $0.isEmpty ? "" : "  " + $0
            }.joined(separator: "\n")
        }
        return out
    }

    static func text(before: ObjectID, after: ObjectID, diff: ProfileDiff, top: Int) -> String {
        // A hundred benchmarks' tables are formatted apart, on every core.
        let sections = Parallel.map(diff.benchmarks) { b in
            let totals = [b.before?.totalSeconds, b.after?.totalSeconds].map { $0.map(Display.seconds) ?? "–" }
            var out = "\n\(b.name): \(totals[0]) → \(totals[1]) a call under the profiler"
            if let a = b.before?.peakMemoryBytes, let c = b.after?.peakMemoryBytes { out += ", peak memory \(Display.bytes(a)) → \(Display.bytes(c))" }
            out += "\n"
            var rows = [["change", "cum before", "cum after", "function"]]
            for f in b.functions.prefix(top) {
                rows.append([
                    (f.changeSeconds >= 0 ? "+" : "−") + Display.seconds(abs(f.changeSeconds)),
                    f.before.map { share($0.cumulativeShare) } ?? "new", f.after.map { share($0.cumulativeShare) } ?? "gone", f.key,
                ])
            }
            out += Display.table(rows, rightAligned: [0, 1, 2]).split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "  " + $0 }
                .joined(separator: "\n")
            return out
        }
        return "profile \(before.short) → \(after.short)\n" + sections.joined()
    }

    static func writeDumps(_ sides: [(String, ObjectID, Run, RunProfile)], to directory: String, workspace: Workspace, progress: OutputStream) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var written = 0, missing = 0
        for (_, commit, run, profile) in sides {
            let runDirectory = ProfileStore.runDirectory(stateDirectory: workspace.stateDirectory, runID: run.id)
            for b in profile.benchmarks {
                guard let dump = b.dump, FileManager.default.fileExists(atPath: runDirectory + "/" + dump) else { missing += 1; continue }
                let slug = String(b.name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." ? $0 : "_" })
                let target = "\(directory)/\(commit.short)-\(slug).prof"
                try? FileManager.default.removeItem(atPath: target)
                try FileManager.default.copyItem(atPath: runDirectory + "/" + dump, toPath: target)
                written += 1
            }
        }
        progress.line("wrote \(written) .prof file\(written == 1 ? "" : "s") to \(directory) (open one with snakeviz)")
        if missing > 0 {
            progress.line("\(missing) dump\(missing == 1 ? " is" : "s are") not on this machine (raw dumps stay in the clone that ran them)")
        }
    }

    // MARK: - JSON

    /// `profile REV --json`, written value by value (`JSONText.Writer`) as `profile A B --json` is: what
    /// JSONEncoder wrote (keys in sorted order, nil as null), at a fraction of its cost for 30,000 functions.
    static func singleJSON(commit: String, profile: RunProfile, top: Int?) -> [UInt8] {
        var w = JSONText.Writer(capacity: 1 << 20)
        w.beginObject()
        w.key("benchmarks")
        w.beginArray()
        for b in profile.benchmarks {
            let loops = Double(max(1, b.loops ?? 1))
            w.beginObject()
            w.key("functions")
            w.beginArray()
            for f in sorted(b).prefix(top ?? Int.max) {
                w.beginObject()
                w.key("calls")
                w.number(Double(f.calls) / loops)
                w.key("cumulative_seconds")
                w.number(f.cumulativeSeconds)
                w.key("cumulative_share")
                w.number(b.cumulativeShare(f))
                w.key("file")
                w.string(f.file)
                w.key("function")
                w.string(f.key)
                w.key("line")
                w.int(f.line)
                w.key("name")
                w.string(f.name)
                w.key("self_seconds")
                w.number(f.selfSeconds)
                w.key("self_share")
                w.number(b.selfShare(f))
                w.endObject()
            }
            w.endArray()
            w.key("loops")
            w.int(b.loops)
            w.key("name")
            w.string(b.name)
            w.key("peak_memory_bytes")
            w.int(b.peakMemoryBytes)
            w.key("peak_memory_tool")
            w.string(b.peakMemoryTool)
            w.key("total_seconds")
            w.number(b.totalSeconds)
            w.endObject()
        }
        w.endArray()
        w.key("commit")
        w.string(commit)
        w.endObject()
        return w.utf8
    }

    /// `profile A B --json`, written value by value (`JSONText.Writer`): on 100 benchmarks × 300 functions it
    /// is 25 MB, which JSONEncoder took most of a second to write. Keys in sorted order.
    static func diffJSON(before: String, after: String, diff: ProfileDiff, top: Int?) -> [UInt8] {
        var w = JSONText.Writer(capacity: 1 << 20)
        w.beginObject()
        w.key("after")
        w.string(after)
        w.key("before")
        w.string(before)
        w.key("benchmarks")
        w.beginArray()
        for b in diff.benchmarks {
            w.beginObject()
            w.key("after_peak_memory_bytes")
            w.int(b.after?.peakMemoryBytes)
            w.key("after_total_seconds")
            w.number(b.after?.totalSeconds)
            w.key("before_peak_memory_bytes")
            w.int(b.before?.peakMemoryBytes)
            w.key("before_total_seconds")
            w.number(b.before?.totalSeconds)
            w.key("functions")
            w.beginArray()
            for change in b.functions.prefix(top ?? Int.max) {
                w.beginObject()
                w.key("after")
                side(change.after, &w)
                w.key("before")
                side(change.before, &w)
                w.key("change_seconds")
                w.number(change.changeSeconds)
                w.key("file")
                w.string(change.file)
                w.key("function")
                w.string(change.key)
                w.key("name")
                w.string(change.name)
                w.key("share_change")
                w.number(change.shareChange)
                w.endObject()
            }
            w.endArray()
            w.key("name")
            w.string(b.name)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.utf8
    }

    /// A function's figures on one side; null when it is not there (new, or gone).
    static func side(_ s: ProfileDiff.Side?, _ w: inout JSONText.Writer) {
        guard let s else { return w.null() }
        w.beginObject()
        w.key("calls")
        w.number(s.calls)
        w.key("cumulative_seconds")
        w.number(s.cumulativeSeconds)
        w.key("cumulative_share")
        w.number(s.cumulativeShare)
        w.key("line")
        w.int(s.line)
        w.key("self_seconds")
        w.number(s.selfSeconds)
        w.key("self_share")
        w.number(s.selfShare)
        w.endObject()
    }
}

/// A speedscope document (https://www.speedscope.app/file-format-schema.json) from cProfile's totals.
/// pstats keeps caller→callee totals, not stacks, so every stack here is estimated: a callee's time is
/// split among its callers by their edges' cumulative time, and recursion is cut.
enum Speedscope {
    struct Frame: Encodable { var name: String; var file: String; var line: Int }
    struct Profile: Encodable {
        var type = "sampled"
        var name: String
        var unit = "seconds"
        var startValue = 0.0
        var endValue: Double
        var samples: [[Int]]
        var weights: [Double]
    }
    struct Shared: Encodable { var frames: [Frame] }
    struct Document: Encodable {
        var schema = "https://www.speedscope.app/file-format-schema.json"
        var name: String
        var exporter = "perfjournal"
        var shared: Shared
        var profiles: [Profile]
        enum CodingKeys: String, CodingKey {
            case schema = "$schema"
            case name, exporter, shared, profiles
        }
    }

    static func document(_ sides: [(label: String, profile: RunProfile)]) -> Document {
        var frames: [Frame] = []
        var frameIndex: [String: Int] = [:]
        var profiles: [Profile] = []
        for (label, profile) in sides {
            for b in profile.benchmarks where b.hasFunctions {
                var ids: [Int] = []
                for f in b.functions {
                    let key = "\(f.key):\(f.line)"
                    if let id = frameIndex[key] { ids.append(id); continue }
                    frameIndex[key] = frames.count
                    ids.append(frames.count)
                    frames.append(Frame(name: f.name, file: f.file, line: f.line))
                }
                let (samples, weights) = stacks(b, frameIDs: ids)
                profiles.append(
                    Profile(
                        name: "\(label) \(b.name) (stacks estimated from cProfile caller→callee totals)",
                        endValue: weights.reduce(0, +), samples: samples, weights: weights))
            }
        }
        return Document(name: "perfjournal profile (estimated stacks)", shared: Shared(frames: frames), profiles: profiles)
    }

    /// One sample per estimated stack, weighted by the self time spent there.
    static func stacks(_ b: BenchmarkProfile, frameIDs: [Int]) -> ([[Int]], [Double]) {
        var children: [Int: [(Int, Double)]] = [:]
        var hasCaller = Set<Int>()
        for e in b.edges where e.caller != e.callee && e.caller < b.functions.count && e.callee < b.functions.count {
            children[e.caller, default: []].append((e.callee, e.cumulativeSeconds))
            hasCaller.insert(e.callee)
        }
        var samples: [[Int]] = []
        var weights: [Double] = []
        func walk(_ node: Int, _ time: Double, _ path: [Int]) {
            let f = b.functions[node]
            let fraction = f.cumulativeSeconds > 0 ? min(1, time / f.cumulativeSeconds) : 0
            let stack = path + [frameIDs[node]]
            let own = f.selfSeconds * fraction
            if own > 0 { samples.append(stack); weights.append(own) }
            guard path.count < 64 else { return }
            for (child, edgeTime) in children[node] ?? [] where !path.contains(frameIDs[child]) {
                walk(child, edgeTime * fraction, stack)
            }
        }
        for root in b.functions.indices where !hasCaller.contains(root) {
            walk(root, b.functions[root].cumulativeSeconds, [])
        }
        return (samples, weights)
    }
}
