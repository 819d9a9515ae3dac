import Foundation

/// JSON for `--json` outputs: sorted keys, pretty, one trailing newline.
public enum JSONText {
    public static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }
}

extension JSONText {
    /// Writes what `encode` writes (pretty, `"key" : value`, two-space indent, slashes unescaped), value by
    /// value, without `Encodable`'s containers: for outputs of tens of megabytes (`profile A B --json` on
    /// 100 benchmarks × 300 functions is 25 MB), where JSONEncoder took most of a second. The caller writes
    /// the keys of each object in sorted order, as `encode`'s `.sortedKeys` would.
    public struct Writer {
        public private(set) var bytes: [UInt8] = []
        private var depth = 0
        /// The open container has no element yet.
        private var empty = true
        /// A key was written; its value comes next, on the same line.
        private var afterKey = false

        public init(capacity: Int = 1 << 16) {
            bytes.reserveCapacity(capacity)
        }

        /// The document with `encode`'s trailing newline.
        public var text: String { String(decoding: bytes, as: UTF8.self) + "\n" }

        /// `text`'s bytes, without making the String.
        public var utf8: [UInt8] {
            var out = bytes
            out.append(UInt8(ascii: "\n"))
            return out
        }

        public mutating func beginObject() { open(UInt8(ascii: "{")) }
        public mutating func endObject() { close(UInt8(ascii: "}")) }
        public mutating func beginArray() { open(UInt8(ascii: "[")) }
        public mutating func endArray() { close(UInt8(ascii: "]")) }

        /// Starts a member of the open object; its value is written next.
        public mutating func key(_ key: String) {
            element()
            quoted(key)
            bytes.append(UInt8(ascii: " "))
            bytes.append(UInt8(ascii: ":"))
            bytes.append(UInt8(ascii: " "))
            afterKey = true
        }

        public mutating func string(_ value: String) {
            element()
            quoted(value)
        }

        public mutating func string(_ value: String?) {
            if let value { string(value) } else { null() }
        }

        public mutating func int(_ value: Int) {
            element()
            bytes.append(contentsOf: String(value).utf8)
        }

        public mutating func int(_ value: Int?) {
            if let value { int(value) } else { null() }
        }

        /// As JSONEncoder writes a Double: its shortest form, "2" for 2.0; null when it is not finite
        /// (where JSONEncoder would throw).
        public mutating func number(_ value: Double) {
            guard value.isFinite else { return null() }
            element()
            // Double's TextOutputStreamable writes its description's ASCII without making a String.
            // (Swapped in and out, so that the buffer is never shared and never copied.)
            var sink = Sink()
            swap(&sink.bytes, &bytes)
            value.write(to: &sink)
            swap(&sink.bytes, &bytes)
            if bytes.count >= 2, bytes[bytes.count - 2] == UInt8(ascii: "."), bytes[bytes.count - 1] == UInt8(ascii: "0") {
                bytes.removeLast(2)
            }
        }

        /// Appends what a `TextOutputStreamable` writes.
        private struct Sink: TextOutputStream {
            var bytes: [UInt8] = []
            mutating func write(_ string: String) { bytes.append(contentsOf: string.utf8) }
            mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: buffer) }
        }

        public mutating func number(_ value: Double?) {
            if let value { number(value) } else { null() }
        }

        public mutating func null() {
            element()
            bytes.append(contentsOf: "null".utf8)
        }

        private mutating func open(_ bracket: UInt8) {
            element()
            bytes.append(bracket)
            depth += 1
            empty = true
        }

        private mutating func close(_ bracket: UInt8) {
            depth -= 1
            // JSONEncoder writes an empty container as "[\n\n  ]".
            bytes.append(UInt8(ascii: "\n"))
            if empty { bytes.append(UInt8(ascii: "\n")) }
            indent()
            bytes.append(bracket)
            empty = false
        }

        /// Before a value: nothing after a key; else a comma after an earlier element, a new line and the indent.
        private mutating func element() {
            if afterKey {
                afterKey = false
                return
            }
            guard depth > 0 else { return }
            if !empty { bytes.append(UInt8(ascii: ",")) }
            bytes.append(UInt8(ascii: "\n"))
            indent()
            empty = false
        }

        private mutating func indent() {
            var count = depth * 2
            while count > 0 {
                let run = min(count, Self.spaces.count)
                Self.spaces.withUnsafeBufferPointer { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: $0[..<run])) }
                count -= run
            }
        }

        /// An indent's spaces, copied in at once.
        private static let spaces = [UInt8](repeating: UInt8(ascii: " "), count: 64)

        /// `text` in quotes, escaped as JSONEncoder escapes it. Most strings (every key) need no escape: their
        /// bytes go in at once, not byte by byte (`profile A B --json` writes 570,000 keys).
        private mutating func quoted(_ text: String) {
            bytes.append(UInt8(ascii: "\""))
            let plain: Bool? = text.utf8.withContiguousStorageIfAvailable { utf8 in
                guard !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else { return false }
                bytes.append(contentsOf: utf8)
                return true
            }
            if plain != true { escape(text) }
            bytes.append(UInt8(ascii: "\""))
        }

        private mutating func escape(_ text: String) {
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
                case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
                case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
                case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
                case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
                case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
                case 0x0C: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
                case 0..<0x20:
                    let hex = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [
                        UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)],
                    ])
                default: bytes.append(byte)
                }
            }
        }
    }
}
