/// What the machine did while a benchmark ran, and the judgement whether the run was disturbed.

/// Observed around the benchmark command: the command's own CPU time against the wall time, what the
/// whole machine spent (from `/proc/stat` on Linux), the load average, and other perfjournal runs.
public struct RunConditions: Codable, Sendable, Equatable {
    public var wallSeconds: Double
    /// User + system CPU of the benchmark's process tree.
    public var cpuSeconds: Double
    public var cpuCount: Int
    /// Share of the machine's CPU time (all cores, the run's wall time) spent by other processes; nil
    /// where the machine's totals are unknown (no `/proc/stat`).
    public var othersShare: Double?
    /// Share of the machine's CPU time stolen by the hypervisor; nil where unknown.
    public var stealShare: Double?
    /// 1-minute load average at the start and the end.
    public var loadStart: Double?
    public var loadEnd: Double?
    /// Other perfjournal runs (process ids) that ran on this machine at the same time.
    public var overlapping: [Int32]?

    public init(
        wallSeconds: Double, cpuSeconds: Double, cpuCount: Int, othersShare: Double?, stealShare: Double?,
        loadStart: Double?, loadEnd: Double?, overlapping: [Int32]? = nil
    ) {
        self.wallSeconds = wallSeconds
        self.cpuSeconds = cpuSeconds
        self.cpuCount = cpuCount
        self.othersShare = othersShare
        self.stealShare = stealShare
        self.loadStart = loadStart
        self.loadEnd = loadEnd
        self.overlapping = overlapping
    }

    /// From the deltas of `/proc/stat`'s aggregate `cpu` line over the run (user nice system idle iowait
    /// irq softirq steal, in clock ticks): what everything but the benchmark kept busy, as a share of all
    /// cores over the wall time, and the share stolen by the hypervisor.
    public static func shares(statDelta delta: [UInt64], ticksPerSecond: Double, wallSeconds: Double, cpuSeconds: Double, cpuCount: Int)
        -> (others: Double, steal: Double)?
    {
        guard delta.count >= 8, wallSeconds > 0, ticksPerSecond > 0 else { return nil }
        let total = Double(delta.prefix(8).reduce(0, +))
        guard total > 0 else { return nil }
        let busy = Double(delta[0] + delta[1] + delta[2] + delta[5] + delta[6]) / ticksPerSecond
        let others = max(0, min(1, (busy - cpuSeconds) / (wallSeconds * Double(max(cpuCount, 1)))))
        return (others, Double(delta[7]) / total)
    }

    enum CodingKeys: String, CodingKey {
        case wallSeconds = "wall_seconds"
        case cpuSeconds = "cpu_seconds"
        case cpuCount = "cpu_count"
        case othersShare = "others_share"
        case stealShare = "steal_share"
        case loadStart = "load_start"
        case loadEnd = "load_end"
        case overlapping
    }
}

/// Why a run's timings are not to be trusted for a directional verdict.
public struct Disturbance: Codable, Sendable, Equatable {
    public var reason: String

    public init(reason: String) { self.reason = reason }

    /// Thresholds chosen on recorded runs (Tests/Fixtures/recorded, Documentation/Noise.md). A benchmark
    /// was starved when it got less than `cpuShareLimit` of a CPU while other processes kept more than
    /// `othersShareLimit` of the machine busy: quiet runs of single-threaded suites got 0.92–0.99 of a
    /// CPU, runs with a CPU hog 0.37–0.64. Both conditions are needed: a benchmark that sleeps or waits
    /// on I/O gets little CPU on an idle machine, and one that had its core while others used the rest
    /// was not starved. A multi-threaded benchmark (more than one CPU) is judged by steal and overlap only.
    public static let cpuShareLimit = 0.85
    public static let othersShareLimit = 0.25
    public static let stealShareLimit = 0.10
    /// Shorter runs are not judged: `/proc/stat` counts in clock ticks (10 ms), so the shares of a run of a
    /// few ticks are mostly rounding, and a run that short is over before interference could build up.
    public static let shortestJudged = 1.0

    public static func judge(_ c: RunConditions) -> Disturbance? {
        guard c.wallSeconds >= shortestJudged else { return nil }
        if let overlapping = c.overlapping, !overlapping.isEmpty {
            return Disturbance(reason: "another perfjournal run overlapped it (pid \(overlapping.map(String.init).joined(separator: ", ")))")
        }
        let cpuShare = c.wallSeconds > 0 ? c.cpuSeconds / c.wallSeconds : 1
        if let others = c.othersShare, others > othersShareLimit, cpuShare < cpuShareLimit {
            return Disturbance(
                reason: "the benchmark got \(Int((cpuShare * 100).rounded()))% of a CPU while other processes used "
                    + "\(Int((others * 100).rounded()))% of the machine")
        }
        if let steal = c.stealShare, steal > stealShareLimit {
            return Disturbance(reason: "the hypervisor took \(Int((steal * 100).rounded()))% of the CPU time (steal)")
        }
        return nil
    }
}
