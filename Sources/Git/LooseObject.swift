import CGit2
import CZlib
import Support

#if canImport(CMbedCrypto)
import CMbedCrypto
#endif

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A stretch of a note's text that its writer compressed already (`Repository.deflate`): the raw deflate
/// stream of exactly `length` bytes from `offset`, made without a dictionary and ended on a byte boundary,
/// so it can stand anywhere in the note's stream; `adler` is the Adler-32 of those bytes.
public struct DeflatedStretch: Sendable {
    public var offset: Int
    public var length: Int
    public var deflated: [UInt8]
    public var adler: UInt32

    public init(offset: Int, length: Int, deflated: [UInt8], adler: UInt32) {
        self.offset = offset
        self.length = length
        self.deflated = deflated
        self.adler = adler
    }
}

/// Big note blobs, hashed and written as loose objects without libgit2's object writer.
///
/// Why: when 32 writers store their runs on one commit, one of them writes a note of 35 MB, alone, while the
/// others wait. Through libgit2 that note was hashed twice with its collision-detecting SHA-1 (about 0.24 s
/// a pass here) and compressed in one thread (0.5–0.8 s at level 1). Here it is hashed once with mbedTLS's
/// SHA-1 (the library Debian's libgit2 links; 0.09 s; the same ids, only without the check for crafted
/// collisions, which `git fsck` still makes), and compressed in pieces on every core, pigz's way:
/// each piece a raw deflate stream primed with the 32 KiB before it and ended on a byte boundary
/// (`Z_SYNC_FLUSH`), the last one finished, the checksums combined, so the file is one ordinary zlib stream
/// that git and libgit2 read like any other (`git cat-file`, `git fsck`). Stretches its writers compressed
/// already (`DeflatedStretch`: each waiting writer compresses its own run before it queues, while the cores
/// are busy anyway) are copied in as they are, so the writer of the note only compresses what joins them.
extension Repository {
    /// `bytes` as a `DeflatedStretch` of a note to be (its offset to be set), or nil if zlib fails.
    public static func deflate(_ bytes: UnsafeRawBufferPointer) -> DeflatedStretch? {
        guard let piece = Piece.deflate(header: [], body: bytes, range: 0..<bytes.count, last: false) else { return nil }
        return DeflatedStretch(offset: 0, length: bytes.count, deflated: piece.bytes, adler: UInt32(piece.adler))
    }

    /// The id git gives a blob holding `bytes`.
    public static func blobID(of bytes: UnsafeRawBufferPointer) throws -> ObjectID {
        var oid = git_oid()
        #if canImport(CMbedCrypto)
        let header = Array("blob \(bytes.count)\0".utf8)
        let code = withUnsafeMutableBytes(of: &oid.id) { digest in
            perfjournal_sha1(
                header, header.count, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count,
                digest.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        if code != 0 { throw GitError(code: -1, operation: "hash note", message: "SHA-1 failed (mbedTLS \(code))") }
        #else
        try check("hash note", git_odb_hash(&oid, bytes.baseAddress, bytes.count, GIT_OBJECT_BLOB))
        #endif
        return ObjectID(oid)
    }

    /// Writes `bytes` as the loose blob `id` (which must be `blobID(of: bytes)`), as git writes one: the zlib
    /// stream of "blob <length>\0" and the bytes, in `objects/<2 hex>/<38 hex>`, read-only, put there by a
    /// rename from a temporary in `objects/` named as libgit2 names its own (so `removeStaleTemporaryObjects`
    /// clears one a killed writer left). A full disk throws `GitError.outOfSpace`, leaving nothing behind.
    func writeLooseBlob(_ bytes: UnsafeRawBufferPointer, id: ObjectID, deflated: [DeflatedStretch] = []) throws {
        let header = Array("blob \(bytes.count)\0".utf8)
        let parts = try Self.zlibStream(header: header, body: bytes, deflated: deflated)
        let objects = commonDir + "/objects"
        let directory = objects + "/" + String(id.hex.prefix(2))
        // As libgit2 makes it: everything the umask allows.
        if mkdir(directory, 0o777) != 0 && errno != EEXIST {
            throw Self.writeFailure(directory, errno)
        }
        let temporary = objects + "/tmp_object_git2_perfjournal_\(getpid())_\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o444)
        guard fd >= 0 else { throw Self.writeFailure(temporary, errno) }
        var failed: Int32 = 0
        for part in parts where failed == 0 {
            failed = part.withUnsafeBytes { FileDescriptor.writeAll($0, to: fd) }
        }
        if close(fd) != 0 && failed == 0 { failed = errno }
        if failed == 0 && rename(temporary, directory + "/" + String(id.hex.dropFirst(2))) != 0 { failed = errno }
        if failed != 0 {
            unlink(temporary)
            throw Self.writeFailure(temporary, failed)
        }
    }

    private static func writeFailure(_ path: String, _ code: Int32) -> GitError {
        if code == ENOSPC || code == EDQUOT { return .outOfSpace("write note blob") }
        return GitError(code: -1, operation: "write note blob", message: "\(path): \(String(cString: strerror(code)))")
    }

    /// Pieces below this size are not worth a thread.
    static let minimumPiece = 256 * 1024

    /// The zlib stream (level 1) of `header` followed by `body`, compressed in pieces on all cores, with the
    /// stretches in `deflated` copied in rather than compressed again (one whose place or checksum does not
    /// match `body` is compressed like the rest); returned as its consecutive parts, to be written one after
    /// the other rather than copied into one array.
    static func zlibStream(header: [UInt8], body: UnsafeRawBufferPointer, deflated: [DeflatedStretch] = []) throws -> [[UInt8]] {
        enum Job {
            case compress(Range<Int>, first: Bool, last: Bool)
            case copy(DeflatedStretch)
        }
        let base = body.baseAddress?.assumingMemoryBound(to: UInt8.self)
        var kept: [DeflatedStretch] = []
        for stretch in deflated.sorted(by: { $0.offset < $1.offset }) {
            guard let base, stretch.length > 0, stretch.offset >= (kept.last.map { $0.offset + $0.length } ?? 0),
                stretch.offset + stretch.length <= body.count,
                adler32(1, base + stretch.offset, uInt(stretch.length)) == uLong(stretch.adler)
            else { continue }
            kept.append(stretch)
        }
        let cores = System.activeProcessorCount
        // The stretches between the copied ones, in pieces: a few per core, so that a core another process
        // slows down does not hold up the rest.
        let gapBytes = body.count - kept.reduce(0) { $0 + $1.length }
        let pieceSize = max(minimumPiece, (gapBytes + 4 * cores - 1) / (4 * cores))
        var jobs: [Job] = []
        func compress(_ range: Range<Int>) {
            var start = range.lowerBound
            repeat {
                let end = min(start + pieceSize, range.upperBound)
                jobs.append(.compress(start..<end, first: jobs.isEmpty, last: false))
                start = end
            } while start < range.upperBound
        }
        var position = 0
        for stretch in kept {
            if stretch.offset > position || jobs.isEmpty { compress(position..<stretch.offset) }
            jobs.append(.copy(stretch))
            position = stretch.offset + stretch.length
        }
        // The stream ends with a piece made here (possibly of no bytes): a copied one is never final.
        compress(position..<body.count)
        if case .compress(let range, let first, _) = jobs[jobs.count - 1] {
            jobs[jobs.count - 1] = .compress(range, first: first, last: true)
        }
        // `body` is only read, and outlives the call.
        nonisolated(unsafe) let body = body
        let pieces = Parallel.map(jobs) { job -> Piece? in
            switch job {
            case .compress(let range, let first, let last):
                return Piece.deflate(header: first ? header : [], body: body, range: range, last: last)
            case .copy(let stretch):
                return Piece(bytes: stretch.deflated, adler: UInt(stretch.adler), length: stretch.length)
            }
        }
        var parts: [[UInt8]] = [[0x78, 0x01]]  // zlib header: deflate, 32 KiB window, fastest level
        var adler: UInt = 1
        for piece in pieces {
            guard let piece else { throw GitError(code: -1, operation: "compress note", message: "zlib failed") }
            parts.append(piece.bytes)
            adler = UInt(adler32_combine(uLong(adler), uLong(piece.adler), off_t(piece.length)))
        }
        parts.append([24, 16, 8, 0].map { UInt8(truncatingIfNeeded: adler >> UInt($0)) })  // big-endian
        return parts
    }

    /// One piece of the stream: raw deflate blocks, byte-aligned at the end, and the Adler-32 of its input.
    private struct Piece {
        var bytes: [UInt8]
        var adler: UInt
        var length: Int

        /// `header` then `body[range]`, primed with the 32 KiB of `body` before `range`; ends the stream when
        /// `last`. Nil when zlib fails (it only can for lack of memory).
        static func deflate(header: [UInt8], body: UnsafeRawBufferPointer, range: Range<Int>, last: Bool) -> Piece? {
            var stream = z_stream()
            guard perfjournal_deflate_init_raw(&stream, 1) == Z_OK else { return nil }
            defer { deflateEnd(&stream) }
            let base = body.baseAddress?.assumingMemoryBound(to: UInt8.self)
            var adler = adler32(1, nil, 0)
            if let base {
                let window = min(range.lowerBound, 32 * 1024)
                if window > 0 && deflateSetDictionary(&stream, base + range.lowerBound - window, uInt(window)) != Z_OK {
                    return nil
                }
            }
            let inputCount = header.count + range.count
            var bytes = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(inputCount))) + 64)
            var header = header
            let ok = bytes.withUnsafeMutableBufferPointer { output -> Bool in
                stream.next_out = output.baseAddress
                stream.avail_out = uInt(output.count)
                if !header.isEmpty {
                    let code = header.withUnsafeMutableBufferPointer { input -> Int32 in
                        adler = adler32(adler, input.baseAddress, uInt(input.count))
                        stream.next_in = input.baseAddress
                        stream.avail_in = uInt(input.count)
                        return CZlib.deflate(&stream, Z_NO_FLUSH)
                    }
                    guard code == Z_OK, stream.avail_in == 0 else { return false }
                }
                let input = UnsafeMutablePointer(mutating: base.map { $0 + range.lowerBound })
                // Not with an empty input: adler32 of a null buffer is the initial value, not a no-op.
                if range.count > 0 { adler = adler32(adler, input, uInt(range.count)) }
                stream.next_in = input
                stream.avail_in = uInt(range.count)
                let code = CZlib.deflate(&stream, last ? Z_FINISH : Z_SYNC_FLUSH)
                return (last ? code == Z_STREAM_END : code == Z_OK) && stream.avail_in == 0 && stream.avail_out > 0
            }
            guard ok else { return nil }
            bytes.removeLast(Int(stream.avail_out))
            return Piece(bytes: bytes, adler: UInt(adler), length: inputCount)
        }
    }
}
