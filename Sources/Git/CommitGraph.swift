import CGit2
import Foundation

/// The parents and commit times of every commit perfjournal has walked, kept in a small binary file
/// (`.git/perfjournal/cache/commit-graph`) so that walking a long history is a walk in memory instead
/// of thousands of object reads. Commits are immutable, so an entry never goes stale: the file only
/// grows, and losing it costs one slow walk. Unknown commits are read through libgit2 and added.
public final class CommitGraph {
    /// A 20-byte object id as a cheap hashable value.
    struct RawID: Hashable {
        var a: UInt64, b: UInt64, c: UInt32

        init(_ oid: git_oid) {
            var a: UInt64 = 0, b: UInt64 = 0, c: UInt32 = 0
            withUnsafeBytes(of: oid) { raw in
                a = raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
                b = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
                c = raw.loadUnaligned(fromByteOffset: 16, as: UInt32.self)
            }
            self.a = a; self.b = b; self.c = c
        }

        var oid: git_oid {
            var oid = git_oid()
            withUnsafeMutableBytes(of: &oid) { raw in
                raw.storeBytes(of: a, toByteOffset: 0, as: UInt64.self)
                raw.storeBytes(of: b, toByteOffset: 8, as: UInt64.self)
                raw.storeBytes(of: c, toByteOffset: 16, as: UInt32.self)
            }
            return oid
        }
    }

    private let repository: Repository
    private let cacheFile: String?
    /// Commits by dense index; parents kept as ids and resolved when walked (they may not be loaded yet).
    private var index: [RawID: Int] = [:]
    private var ids: [RawID] = []
    private var times: [Int64] = []
    private var parentIDs: [[RawID]] = []
    private var added = 0
    static let magic: [UInt8] = Array("PJCG1\n".utf8)

    /// `cacheFile` nil keeps everything in memory for this process only.
    public init(repository: Repository, cacheFile: String?) {
        self.repository = repository
        self.cacheFile = cacheFile
        if let cacheFile { load(cacheFile) }
    }

    /// Commits reachable from `head` and not from any of `hiding`, oldest first, parents always before
    /// their children (like `git rev-list --topo-order --reverse`).
    public func commits(from head: ObjectID, hiding: [ObjectID] = []) throws -> [ObjectID] {
        // 0 unseen, 1 hidden, 2 on the stack, 3 emitted.
        var state = [UInt8](repeating: 0, count: ids.count)
        func mark(_ i: Int, _ value: UInt8) {
            if i >= state.count { state.append(contentsOf: repeatElement(0, count: i - state.count + 1)) }
            state[i] = value
        }
        func stateOf(_ i: Int) -> UInt8 { i < state.count ? state[i] : 0 }

        var stack = try hiding.compactMap { try slot(RawID($0.oid)) }
        while let i = stack.popLast() {
            guard stateOf(i) != 1 else { continue }
            mark(i, 1)
            for p in try parents(i) where stateOf(p) != 1 { stack.append(p) }
        }
        // Iterative depth-first post-order: a commit is emitted after all its parents.
        var order: [Int] = []
        guard let start = try slot(RawID(head.oid)) else { return [] }
        var work: [(Int, Bool)] = [(start, false)]
        while let (i, expanded) = work.popLast() {
            if expanded {
                if stateOf(i) == 2 { mark(i, 3); order.append(i) }
                continue
            }
            guard stateOf(i) == 0 else { continue }
            mark(i, 2)
            work.append((i, true))
            for p in try parents(i).reversed() where stateOf(p) == 0 { work.append((p, false)) }
        }
        try save()
        return order.map { ObjectID(ids[$0].oid) }
    }

    /// First parents from `commit` (itself included), newest first, until `visit` returns false.
    public func firstParents(from commit: ObjectID, _ visit: (ObjectID) throws -> Bool) throws {
        var current = try slot(RawID(commit.oid))
        while let i = current {
            if try !visit(ObjectID(ids[i].oid)) { break }
            current = try parents(i).first
        }
        try save()
    }

    public func parents(of commit: ObjectID) throws -> [ObjectID] {
        guard let i = try slot(RawID(commit.oid)) else { return [] }
        return try parents(i).map { ObjectID(ids[$0].oid) }
    }

    /// The parents of commit `i` that exist here (a shallow clone's edge has none).
    private func parents(_ i: Int) throws -> [Int] {
        try parentIDs[i].compactMap { try slot($0) }
    }

    /// The index of `id`, reading the commit through libgit2 when it is not cached; nil for a commit that
    /// is not in the repository.
    private func slot(_ id: RawID) throws -> Int? {
        if let i = index[id] { return i }
        var oid = id.oid
        var commit: OpaquePointer?
        guard git_commit_lookup(&commit, repository.pointer, &oid) == 0 else { return nil }
        defer { git_commit_free(commit) }
        var parents: [RawID] = []
        for i in 0..<git_commit_parentcount(commit) { parents.append(RawID(git_commit_parent_id(commit, i)!.pointee)) }
        added += 1
        return append(id, time: git_commit_time(commit), parents: parents)
    }

    private func append(_ id: RawID, time: Int64, parents: [RawID]) -> Int {
        let i = ids.count
        index[id] = i
        ids.append(id)
        times.append(time)
        parentIDs.append(parents)
        return i
    }

    // MARK: file

    /// Makes the cache file's directory, but only inside a git directory that still exists: a cache must
    /// never bring back pieces of a repository deleted under a running process. The cache lives at
    /// `<git dir>/perfjournal/cache/<file>`.
    public static func prepareCacheDirectory(for cacheFile: String) -> Bool {
        let directory = (cacheFile as NSString).deletingLastPathComponent
        let gitDir = ((directory as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent
        guard FileManager.default.fileExists(atPath: gitDir + "/HEAD") else { return false }
        return (try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)) != nil
    }

    private func load(_ path: String) {
        guard let data = FileManager.default.contents(atPath: path) else { return }
        let bytes = [UInt8](data)
        guard bytes.count >= Self.magic.count, Array(bytes[0..<Self.magic.count]) == Self.magic else { return }
        bytes.withUnsafeBytes { raw in
            var offset = Self.magic.count
            func rawID() -> RawID {
                var oid = git_oid()
                withUnsafeMutableBytes(of: &oid) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[offset..<offset + 20])) }
                offset += 20
                return RawID(oid)
            }
            // Each record: id, time (8), parent count (1), parents. A torn tail is ignored.
            while offset + 29 <= raw.count {
                let id = rawID()
                let time = raw.loadUnaligned(fromByteOffset: offset, as: Int64.self)
                let count = Int(raw[offset + 8])
                offset += 9
                guard offset + 20 * count <= raw.count else { break }
                let parents = (0..<count).map { _ in rawID() }
                if index[id] == nil { _ = append(id, time: time, parents: parents) }
            }
        }
    }

    /// Writes the file again when walks learned new commits (whole file, atomically: a cache that a
    /// concurrent writer overwrites only loses entries, never corrupts).
    private func save() throws {
        guard added > 0, let cacheFile else { return }
        var out = Self.magic
        out.reserveCapacity(Self.magic.count + ids.count * 52)
        for i in ids.indices {
            withUnsafeBytes(of: ids[i].oid) { out.append(contentsOf: $0) }
            withUnsafeBytes(of: times[i]) { out.append(contentsOf: $0) }
            out.append(UInt8(min(parentIDs[i].count, 255)))
            for p in parentIDs[i].prefix(255) { withUnsafeBytes(of: p.oid) { out.append(contentsOf: $0) } }
        }
        guard Self.prepareCacheDirectory(for: cacheFile) else { return }
        let temporary = cacheFile + ".tmp-\(getpid())"
        if FileManager.default.createFile(atPath: temporary, contents: Data(out)) {
            if rename(temporary, cacheFile) != 0 { unlink(temporary) }
        }
        added = 0
    }
}
