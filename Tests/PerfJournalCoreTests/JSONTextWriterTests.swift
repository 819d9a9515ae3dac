import Foundation
import Support
import Testing

/// `JSONText.Writer` must write byte for byte what `JSONText.encode` (JSONEncoder) writes.
@Suite struct JSONTextWriterTests {
    struct Inner: Encodable {
        var value: Double
        var label: String?
        var items: [Int]

        func encode(to encoder: any Encoder) throws {
            enum K: String, CodingKey { case value, label, items }
            var c = encoder.container(keyedBy: K.self)
            try c.encode(value, forKey: .value)
            try c.encode(label, forKey: .label)
            try c.encode(items, forKey: .items)
        }
    }

    struct Outer: Encodable {
        var name: String
        var count: Int
        var inners: [Inner]
        var none: [Inner]
        var missing: Inner?

        func encode(to encoder: any Encoder) throws {
            enum K: String, CodingKey { case name, count, inners, none, missing }
            var c = encoder.container(keyedBy: K.self)
            try c.encode(name, forKey: .name)
            try c.encode(count, forKey: .count)
            try c.encode(inners, forKey: .inners)
            try c.encode(none, forKey: .none)
            try c.encode(missing, forKey: .missing)
        }
    }

    static let values: [Double] = [0, -0.003, 1.5156000000000002e-05, 1e16, 123_456_789, 0.1 + 0.2, -2.5e-300, 1.7976931348623157e308, 42]

    @Test func writesWhatJSONEncoderWrites() throws {
        let name = "a/b \"q\" \\ tab\t nl\n cr\r bell\u{07} esc\u{1B} bs\u{08} ff\u{0C} é → 😀 <b>"
        let inners = Self.values.enumerated().map { Inner(value: $1, label: $0 % 2 == 0 ? "x\($0)" : nil, items: Array(0..<($0 % 3)).map { -$0 * 7 }) }
        let outer = Outer(name: name, count: -12, inners: inners, none: [], missing: nil)

        var w = JSONText.Writer()
        w.beginObject()
        w.key("count")
        w.int(outer.count)
        w.key("inners")
        w.beginArray()
        for inner in inners {
            w.beginObject()
            w.key("items")
            w.beginArray()
            for item in inner.items { w.int(item) }
            w.endArray()
            w.key("label")
            w.string(inner.label)
            w.key("value")
            w.number(inner.value)
            w.endObject()
        }
        w.endArray()
        w.key("missing")
        w.null()
        w.key("name")
        w.string(name)
        w.key("none")
        w.beginArray()
        w.endArray()
        w.endObject()
        #expect(w.text == (try JSONText.encode(outer)))
    }
}
