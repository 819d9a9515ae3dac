import Foundation
import Journal
import Support

/// `init --scaffold module:function …`: a starter pytest-benchmark file from `Templates/benchmark.py.mustache`
/// (overridable with `.perfjournal/templates/benchmark.py.mustache`). It imports each function, and times
/// it with `benchmark.pedantic` (fixed rounds and iterations, setup outside the measured region). The
/// user fills in the inputs; the header says so.
public enum Scaffold {
    public static let defaultPath = "benchmarks/test_benchmarks.py"
    static let rounds = 20
    static let iterations = 10

    public struct Target: Sendable, Equatable {
        public var module: String
        /// The attribute path after the colon: "parse" or "Parser.parse".
        public var attribute: String

        var imported: String { String(attribute.split(separator: ".").first!) }
        var testName: String {
            (module.split(separator: ".").last.map(String.init) ?? module) + "_" + attribute.replacingOccurrences(of: ".", with: "_").lowercased()
        }
    }

    /// Reads "package.module:function" (the attribute may be dotted: "pkg.mod:Class.method").
    public static func parse(_ spec: String) throws -> Target {
        let identifier = "[A-Za-z_][A-Za-z0-9_]*"
        let pattern = "^\(identifier)(\\.\(identifier))*:\(identifier)(\\.\(identifier))*$"
        guard spec.range(of: pattern, options: .regularExpression) != nil else {
            throw PerfJournalError(.usage, "--scaffold \(spec): expected module:function, e.g. mypackage.parser:parse")
        }
        let parts = spec.split(separator: ":", maxSplits: 1).map(String.init)
        return Target(module: parts[0], attribute: parts[1])
    }

    /// Renders the starter file; with `dryRun` it only returns it.
    public static func write(targets specs: [String], root: String, path: String?, dryRun: Bool) throws -> (path: String, text: String) {
        let targets = try specs.map(parse)
        let relative = path ?? defaultPath
        let full = relative.hasPrefix("/") ? relative : root + "/" + relative
        if FileManager.default.fileExists(atPath: full) {
            throw PerfJournalError(.usage, file: full, "already exists; --scaffold never overwrites (pass --scaffold-file PATH for another file)")
        }
        var seen: Set<String> = []
        let context: [String: Any] = [
            "rounds": rounds,
            "iterations": iterations,
            "targets": targets.map { t -> [String: Any] in
                var name = t.testName
                while seen.contains(name) { name += "_" }
                seen.insert(name)
                return ["module": t.module, "imported": t.imported, "call": t.attribute, "test_name": name, "function": t.attribute]
            },
        ]
        let text = try JournalTemplates(root: root).render(.benchmark, context)
        if !dryRun {
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try AtomicFile.write(text, to: full)
        }
        return (relative, text)
    }
}
