// Compiled by Benchmarks/json-reader.sh together with Sources/Support and Sources/Results (one module,
// -O), so it times perfjournal's own JSON reader, not a copy. Usage: json-reader FILE [RUNS]
import Foundation

/// pytest-benchmark's file as a Codable mirror: what JSONDecoder needs to read the same numbers.
struct PytestFile: Decodable {
    struct Benchmark: Decodable {
        struct Stats: Decodable {
            var min, max, mean, stddev, median, q1, q3: Double
            var rounds: Int
            var data: [Double]?
        }
        var name: String
        var fullname: String
        var stats: Stats
    }
    var benchmarks: [Benchmark]
}

@main
enum JSONReaderBenchmark {
    static func median(_ runs: Int, _ body: () throws -> Int) rethrows -> (seconds: Double, check: Int) {
        var times: [Double] = []
        var check = 0
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            check = try body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return (times.sorted()[times.count / 2], check)
    }

    static func main() throws {
        let path = CommandLine.arguments[1]
        let runs = CommandLine.arguments.count > 2 ? Int(CommandLine.arguments[2])! : 11
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let parse = try median(runs) {
            guard case .object(let top) = try JSONValue.parse(data), case .array(let benchmarks)? = top["benchmarks"] else { return -1 }
            return benchmarks.count
        }
        let read = try median(runs) { try ResultFileReader.read(data: data, path: path).benchmarks.count }
        let decoder = try median(runs) { try JSONDecoder().decode(PytestFile.self, from: data).benchmarks.count }
        let serialization = try median(runs) {
            ((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["benchmarks"] as? [Any])?.count ?? -1
        }
        precondition(Set([parse.check, read.check, decoder.check, serialization.check]).count == 1, "the readers disagree")
        func ms(_ s: Double) -> String { String(format: "%.1f ms", s * 1000) }
        print("file: \(path) (\(data.count / 1_000_000) MB, \(parse.check) benchmarks), median of \(runs) runs")
        print("perfjournal JSONValue.parse:            \(ms(parse.seconds))")
        print("perfjournal ResultFileReader.read:      \(ms(read.seconds))  (parse + BenchmarkResults)")
        print("Foundation JSONDecoder (Codable mirror): \(ms(decoder.seconds))")
        print("Foundation JSONSerialization:           \(ms(serialization.seconds))")
        print(String(format: "JSONDecoder / JSONValue.parse: %.1fx; JSONDecoder / ResultFileReader.read: %.1fx", decoder.seconds / parse.seconds, decoder.seconds / read.seconds))
    }
}
