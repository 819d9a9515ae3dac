import Foundation
import Store
import Support

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the whole machine was doing while a benchmark ran, sampled before and after it: the aggregate
/// CPU times of `/proc/stat` (Linux; elsewhere unknown), the load average, and which other perfjournal
/// runs were going on (each run leaves a pid file in a per-user directory while it runs).
struct MachineLoad {
    private let stat: [UInt64]?
    private let load: Double?
    private let start: Double
    private let marker: String?
    private let othersAtStart: Set<Int32>

    /// Starts observing; `stop` turns the observation into `RunConditions`.
    static func start() -> MachineLoad {
        let marker = registerRun()
        return MachineLoad(
            stat: readStat(), load: loadAverage(), start: CommandRunner.monotonicSeconds(), marker: marker,
            othersAtStart: otherRuns())
    }

    /// `cpuSeconds`: the benchmark command's own CPU time, which is not "other" load.
    func stop(cpuSeconds: Double) -> RunConditions {
        let wall = CommandRunner.monotonicSeconds() - start
        let cores = System.activeProcessorCount
        var others: Double?
        var steal: Double?
        if let before = stat, let after = Self.readStat(), after.count >= 8, before.count >= 8,
            let shares = RunConditions.shares(
                statDelta: zip(after, before).map { $0 >= $1 ? $0 - $1 : 0 }, ticksPerSecond: Double(sysconf(Int32(_SC_CLK_TCK))),
                wallSeconds: wall, cpuSeconds: cpuSeconds, cpuCount: cores)
        {
            others = shares.others
            steal = shares.steal
        }
        // Live at our start or at our end: either way it ran while we did.
        let overlapping = othersAtStart.union(Self.otherRuns())
        if let marker { unlink(marker) }
        return RunConditions(
            wallSeconds: wall, cpuSeconds: cpuSeconds, cpuCount: cores, othersShare: others, stealShare: steal,
            loadStart: load, loadEnd: Self.loadAverage(), overlapping: overlapping.isEmpty ? nil : overlapping.sorted())
    }

    static func readStat() -> [UInt64]? {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let line = text.split(separator: "\n").first, line.hasPrefix("cpu ")
        else { return nil }
        return line.split(separator: " ").dropFirst().compactMap { UInt64($0) }
    }

    static func loadAverage() -> Double? {
        var values = [Double](repeating: 0, count: 3)
        return getloadavg(&values, 3) >= 1 ? values[0] : nil
    }

    /// `$XDG_RUNTIME_DIR/perfjournal/runs` or `/tmp/perfjournal-<uid>/runs`: shared by every repository
    /// of this user, since a run in another repository disturbs this one just as much.
    static var directory: String { DaemonPaths.socketDirectory + "/runs" }

    private static func registerRun() -> String? {
        guard (try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)) != nil else { return nil }
        let path = directory + "/\(getpid())"
        return FileManager.default.createFile(atPath: path, contents: nil) ? path : nil
    }

    /// Live perfjournal runs other than this process; files of dead ones are removed.
    private static func otherRuns() -> Set<Int32> {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        var live = Set<Int32>()
        for name in names {
            guard let pid = Int32(name), pid != getpid() else { continue }
            if kill(pid, 0) == 0 || errno == EPERM { live.insert(pid) } else { unlink(directory + "/" + name) }
        }
        return live
    }
}
