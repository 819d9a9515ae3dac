import Foundation
import Git
import Support

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A cache file of byte payloads by fixed-size key, for results that are a function of immutable objects
/// (note blobs): `.git/perfjournal/cache/<name>`. Loading only indexes the file; a payload is copied out
/// when asked for. The file is a header line (the format and the executable that wrote it), then entries
/// of key, 4-byte length and payload. A file written by another build of perfjournal is ignored whole, so
/// no entry outlives the code that made it.
///
/// It is written whole and renamed into place when entries were added (a concurrent writer can only lose
/// entries, never tear one): the entries read or added by this process, and the other loaded ones while the
/// file stays within twice that (entries nothing reads any more, such as those of replaced note blobs or of
/// an earlier noise model, would otherwise pile up). Safe to read and add from several threads.
final class KeyedCacheFile: @unchecked Sendable {
    private let path: String
    private let keySize: Int
    private let header: [UInt8]
    private let bytes: [UInt8]
    /// Loaded entries: where each payload lies in `bytes`.
    private let stored: [[UInt8]: Range<Int>]
    private let lock = NSLock()
    private var used = Set<[UInt8]>()
    private var added: [[UInt8]: [UInt8]] = [:]

    init(path: String, format: String, keySize: Int) {
        self.path = path
        self.keySize = keySize
        header = Array("perfjournal \(format); \(Self.executableIdentity)\n".utf8)
        var index: [[UInt8]: Range<Int>] = [:]
        let data = FileDescriptor.readAll(path: path) ?? []
        if data.count >= header.count, data[0..<header.count].elementsEqual(header) {
            var offset = header.count
            while offset + keySize + 4 <= data.count {
                let key = Array(data[offset..<offset + keySize])
                let length = data.withUnsafeBytes {
                    Int(UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: offset + keySize, as: UInt32.self)))
                }
                offset += keySize + 4
                guard offset + length <= data.count else { break }
                index[key] = offset..<offset + length
                offset += length
            }
        }
        bytes = data
        stored = index
    }

    deinit { save() }

    func payload(_ key: [UInt8]) -> [UInt8]? {
        lock.withLock {
            if let fresh = added[key] { return fresh }
            guard let range = stored[key] else { return nil }
            used.insert(key)
            return Array(bytes[range])
        }
    }

    func add(_ key: [UInt8], _ payload: [UInt8]) {
        precondition(key.count == keySize)
        lock.withLock { added[key] = payload }
    }

    /// The running executable, as its path, size, inode and modification time: a rebuild changes it.
    static let executableIdentity: String = {
        let path = Bundle.main.executablePath ?? CommandLine.arguments.first ?? "?"
        var info = stat()
        guard stat(path, &info) == 0 else { return "\(path) unknown \(getpid())" }
        #if canImport(Darwin)
        let modified = "\(info.st_mtimespec.tv_sec).\(info.st_mtimespec.tv_nsec)"
        #else
        let modified = "\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
        #endif
        return "\(path) \(info.st_size) \(info.st_ino) \(modified)"
    }()

    private func save() {
        let (added, used) = lock.withLock { (self.added, self.used) }
        guard !added.isEmpty, CommitGraph.prepareCacheDirectory(for: path) else { return }
        var entries: [([UInt8], ArraySlice<UInt8>)] = []
        var live = 0
        for (key, payload) in added {
            entries.append((key, payload[...]))
            live += payload.count + keySize + 4
        }
        for key in used where added[key] == nil {
            guard let range = stored[key] else { continue }
            entries.append((key, bytes[range]))
            live += range.count + keySize + 4
        }
        var total = live
        for (key, range) in stored where added[key] == nil && !used.contains(key) && total + range.count + keySize + 4 <= 2 * live {
            entries.append((key, bytes[range]))
            total += range.count + keySize + 4
        }
        var out = header
        out.reserveCapacity(header.count + total)
        for (key, payload) in entries {
            out += key
            withUnsafeBytes(of: UInt32(payload.count).littleEndian) { out.append(contentsOf: $0) }
            out += payload
        }
        try? AtomicFile.write(out, to: path)
    }
}
