import Dispatch

/// Work spread over the machine's cores, for the few places that are CPU-bound on big inputs
/// (reading two large result files, estimating hundreds of benchmarks). Only Sendable values cross.
package enum Parallel {
    /// `transform` applied to every element, results in order.
    package static func map<T: Sendable, R: Sendable>(_ items: [T], _ transform: @Sendable (T) -> R) -> [R] {
        guard items.count > 1 else { return items.map(transform) }
        let results = UnsafeMutableBufferPointer<R?>.allocate(capacity: items.count)
        results.initialize(repeating: nil)
        defer { results.deallocate() }
        nonisolated(unsafe) let slots = results
        // A few chunks per core keeps the cores busy when some items cost more than others.
        let chunks = min(items.count, 4 * max(1, System.activeProcessorCount))
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            var i = chunk
            while i < items.count {
                slots[i] = transform(items[i])
                i += chunks
            }
        }
        return results.map { $0! }
    }

    /// Runs two closures at once and returns both results (or the first error).
    package static func both<A: Sendable, B: Sendable>(_ a: @Sendable () throws -> A, _ b: @Sendable () throws -> B) throws -> (A, B) {
        nonisolated(unsafe) var resultA: Result<A, any Error>?
        nonisolated(unsafe) var resultB: Result<B, any Error>?
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            if i == 0 { resultA = Result { try a() } } else { resultB = Result { try b() } }
        }
        return (try resultA!.get(), try resultB!.get())
    }
}

package enum System {
    package static var activeProcessorCount: Int {
        #if canImport(Glibc)
        return Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        #else
        return 2
        #endif
    }
}

#if canImport(Glibc)
import Glibc
#endif
