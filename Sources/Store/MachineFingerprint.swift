import Foundation
import Support

/// Which machine a run came from. Runs are comparable only between equal `id`s, so the id hashes
/// what changes timings (CPU model, core count, memory, architecture, OS, host) and nothing that
/// drifts harmlessly (uptime, load, kernel patch level).
public struct MachineFingerprint: Codable, Sendable, Equatable {
    public var id: String
    public var hostname: String
    public var cpu: String
    public var cores: Int
    public var memoryBytes: UInt64
    public var arch: String
    public var os: String

    enum CodingKeys: String, CodingKey {
        case id, hostname, cpu, cores, arch, os
        case memoryBytes = "memory_bytes"
    }

    public init(id: String, hostname: String, cpu: String, cores: Int, memoryBytes: UInt64, arch: String, os: String) {
        self.id = id
        self.hostname = hostname
        self.cpu = cpu
        self.cores = cores
        self.memoryBytes = memoryBytes
        self.arch = arch
        self.os = os
    }

    /// Builds the fingerprint, hashing the parts into the id. `name` (from `PERFJOURNAL_MACHINE`) replaces
    /// the hash, for fleets of identical CI runners whose host names differ.
    public init(hostname: String, cpu: String, cores: Int, memoryBytes: UInt64, arch: String, os: String, name: String? = nil) {
        let canonical = [hostname, cpu, String(cores), String(memoryBytes / (1 << 30)), arch, os].joined(separator: "\n")
        self.init(
            id: name.flatMap { $0.isEmpty ? nil : $0 } ?? String(SHA256.hex(Array(canonical.utf8)).prefix(16)),
            hostname: hostname, cpu: cpu, cores: cores, memoryBytes: memoryBytes, arch: arch, os: os)
    }

    /// This machine, read from the kernel and /proc (sysctl-free fallbacks elsewhere).
    public static func current(environment: [String: String] = ProcessInfo.processInfo.environment) -> MachineFingerprint {
        var uts = utsname()
        uname(&uts)
        func field<T>(_ value: T) -> String {
            withUnsafeBytes(of: value) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
        }
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let cpu =
            cpuinfo.split(separator: "\n")
            .first { $0.hasPrefix("model name") }
            .map { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" }
            ?? field(uts.machine)
        let osRelease = (try? String(contentsOfFile: "/etc/os-release", encoding: .utf8)) ?? ""
        let prettyOS = osRelease.split(separator: "\n")
            .first { $0.hasPrefix("PRETTY_NAME=") }
            .map { String($0.dropFirst("PRETTY_NAME=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        return MachineFingerprint(
            hostname: ProcessInfo.processInfo.hostName, cpu: cpu, cores: ProcessInfo.processInfo.activeProcessorCount,
            memoryBytes: ProcessInfo.processInfo.physicalMemory, arch: field(uts.machine),
            os: prettyOS ?? field(uts.sysname), name: environment["PERFJOURNAL_MACHINE"])
    }
}
