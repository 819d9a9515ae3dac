import Foundation
import Git
import Support

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether a note blob holds a baseline run, remembered by blob id in
/// `.git/perfjournal/cache/baseline-blobs`. A blob's content never changes, so an answer never goes
/// stale; finding the baseline on a long history then reads no note it has read before.
package final class BaselineBlobIndex {
    private let repository: Repository
    private let cacheFile: String
    private var known: [String: Bool] = [:]
    private var changed = false

    init(repository: Repository, cacheFile: String) {
        self.repository = repository
        self.cacheFile = cacheFile
        if let text = try? String(contentsOfFile: cacheFile, encoding: .utf8) {
            for line in text.split(separator: "\n") where line.count == 42 {
                known[String(line.prefix(40))] = line.last == "1"
            }
        }
    }

    deinit { save() }

    package func holdsBaseline(_ blob: ObjectID) throws -> Bool {
        if let answer = known[blob.hex] { return answer }
        let answer = Self.contains(try repository.blobBytes(blob), Self.marker)
        known[blob.hex] = answer
        changed = true
        return answer
    }

    private func save() {
        guard changed, CommitGraph.prepareCacheDirectory(for: cacheFile) else { return }
        let text = known.map { "\($0.key) \($0.value ? "1" : "0")\n" }.joined()
        try? AtomicFile.write(text, to: cacheFile)
    }

    /// Notes are written with a fixed layout, so a note without this text holds no baseline (inside JSON
    /// strings quotes are escaped, so a benchmark name cannot fake it).
    static let marker = Array("\"baseline\": true".utf8)

    /// A plain byte search: Foundation's String.contains was most of `status`'s time on long histories.
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, haystack.count >= needle.count else { return needle.isEmpty }
        return haystack.withUnsafeBufferPointer { h in
            needle.withUnsafeBufferPointer { n in
                var i = 0
                let last = h.count - n.count
                while i <= last {
                    if h[i] == first && memcmp(h.baseAddress! + i, n.baseAddress!, n.count) == 0 { return true }
                    i += 1
                }
                return false
            }
        }
    }
}
