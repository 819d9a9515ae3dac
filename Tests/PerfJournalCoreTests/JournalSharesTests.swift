import Foundation
import TestSupport
import Testing

@testable import Journal

/// Issue 15, item 4: the log's shares of the total must add up (three optimizations once summed to 80%).
@Suite struct JournalSharesTests {
    /// Property: for any set of changes, improvements and regressions mixed, the signed log-scale shares
    /// add up to 100%, and an entry moving against the total has a negative share.
    @Test func sharesAlwaysAddUpToOne() {
        var rng = SeededGenerator(seed: 15)
        var checked = 0
        for _ in 0..<2_000 {
            let count = Int.random(in: 1...8, using: &rng)
            let changes = (0..<count).map { (entry: $0 + 1, ratio: Double.random(in: 0.5...1.6, using: &rng)) }
            let total = changes.reduce(0.0) { $0 + log($1.ratio) }
            let contributions = JournalSummary.contributions(changes)
            #expect(contributions.map(\.entry) == changes.map(\.entry))
            guard abs(total) > 1e-3 else { continue }
            let shares = contributions.compactMap(\.share)
            #expect(shares.count == count)
            #expect(abs(shares.reduce(0, +) - 1) < 1e-9, "\(changes) → \(shares)")
            for (change, share) in zip(changes, shares) where abs(log(change.ratio)) > 1e-6 {
                #expect((log(change.ratio) * total > 0) == (share > 0), "\(change) of \(total): \(share)")
            }
            checked += 1
        }
        #expect(checked > 1_500)
    }

    /// The case from the issue: −12%, −12% and then a regression; the shares are signed and sum to 100%.
    @Test func theObservedCaseAddsUp() {
        let shares = JournalSummary.contributions([(1, 0.88), (2, 0.88), (3, 1.04)]).compactMap(\.share)
        #expect(abs(shares.reduce(0, +) - 1) < 1e-12)
        #expect(shares[2] < 0)
    }
}
