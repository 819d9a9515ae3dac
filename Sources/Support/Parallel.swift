import Dispatch

/// Work spread over the machine's cores, for the few places that are CPU-bound on big inputs
/// (reading two large result files, estimating hundreds of benchmarks). Only Sendable values cross.
package enum Parallel {
    /// `transform` applied to every element, results in order.
    package static func map<T: Sendable, R: Sendable>(_ items: [T], _ transform: @Sendable (T) -> R) -> [R] {
        guard items.count > 1 else { return items.map(transform) }
        // A few chunks per core keeps the cores busy when some items cost more than others.
        let chunks = min(items.count, 4 * max(1, System.activeProcessorCount))
        return map(items, workers: chunks, state: { () throws(Never) in () }, { _, item in transform(item) })
    }

    /// `transform` applied to every element on `workers` threads, each with a `State` of its own made
    /// once by `makeState` (a handle that must not be shared between threads, such as a libgit2
    /// repository). Results in order, or the first error in order; with one worker it all runs here.
    package static func map<T: Sendable, State, R: Sendable, E: Error>(
        _ items: [T], workers: Int, state makeState: @Sendable () throws(E) -> State,
        _ transform: @Sendable (State, T) throws(E) -> R
    ) throws(E) -> [R] {
        let workers = max(1, min(workers, items.count))
        if workers == 1 {
            let state = try makeState()
            var results: [R] = []
            results.reserveCapacity(items.count)
            for item in items { results.append(try transform(state, item)) }
            return results
        }
        let results = UnsafeMutableBufferPointer<Result<R, E>?>.allocate(capacity: items.count)
        results.initialize(repeating: nil)
        defer { results.deallocate() }
        nonisolated(unsafe) let slots = results
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let state: State
            do throws(E) {
                state = try makeState()
            } catch {
                for i in stride(from: worker, to: items.count, by: workers) { slots[i] = .failure(error) }
                return
            }
            for i in stride(from: worker, to: items.count, by: workers) {
                do throws(E) {
                    slots[i] = .success(try transform(state, items[i]))
                } catch {
                    slots[i] = .failure(error)
                }
            }
        }
        var ordered: [R] = []
        ordered.reserveCapacity(items.count)
        for slot in results { ordered.append(try slot!.get()) }
        return ordered
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
    /// The cores online (at least 1).
    package static var activeProcessorCount: Int {
        max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
