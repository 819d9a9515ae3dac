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

    /// Thresholds chosen on recorded runs (Tests/Fixtures/recorded, Documentation/Noise.md): quiet runs on
    /// a shared 2-core machine stay well under them, runs with a CPU hog during part of the run exceed them.
    public static let othersShareLimit = 0.25
    public static let stealShareLimit = 0.10

    public static func judge(_ c: RunConditions) -> Disturbance? {
        if let overlapping = c.overlapping, !overlapping.isEmpty {
            return Disturbance(reason: "another perfjournal run overlapped it (pid \(overlapping.map(String.init).joined(separator: ", ")))")
        }
        if let others = c.othersShare, others > othersShareLimit {
            return Disturbance(reason: "other processes used \(Int((others * 100).rounded()))% of the machine during the run")
        }
        if let steal = c.stealShare, steal > stealShareLimit {
            return Disturbance(reason: "the hypervisor took \(Int((steal * 100).rounded()))% of the CPU time (steal)")
        }
        return nil
    }
}
