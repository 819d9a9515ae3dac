/// Holm's step-down correction: controls the family-wise error rate at alpha for any dependence
/// between the tests. Holm is not in scipy; this follows the definition
/// p̃_(i) = max_{j ≤ i} min(1, (m − j + 1) · p_(j)) over the ascending p-values.
public enum Holm {
    /// Adjusted p-values in the input order. NaNs are treated as 1.
    public static func adjust(_ p: [Double]) -> [Double] {
        let m = p.count
        let order = p.indices.sorted { (p[$0].isNaN ? 1 : p[$0], $0) < (p[$1].isNaN ? 1 : p[$1], $1) }
        var adjusted = [Double](repeating: 1, count: m)
        var running = 0.0
        for (rank, index) in order.enumerated() {
            let value = p[index].isNaN ? 1 : p[index]
            running = max(running, min(1, Double(m - rank) * value))
            adjusted[index] = running
        }
        return adjusted
    }
}
