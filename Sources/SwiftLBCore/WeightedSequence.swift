/// The `priority` algorithm's table: a smooth weighted round-robin sequence.
///
/// The datapath walks the table with a per-service cursor, one step per new flow. Each step picks
/// the member with the most accumulated credit (every member earns its weight per step, the
/// chosen one pays the total), so heavy members are interleaved with light ones instead of served
/// in bursts, and any run of n consecutive steps gives each member n·w/W picks, give or take the
/// number of members.
public enum WeightedSequence {
    /// `length` picks over `members` (weight 0 never picked); all `empty` when none has weight.
    public static func build(
        _ members: [MaglevTable.Member], length: Int = MaglevTable.defaultSize, empty: UInt16 = .max
    ) -> [UInt16] {
        let live = members.filter { $0.weight > 0 }
        guard !live.isEmpty else { return Array(repeating: empty, count: length) }
        let total = live.reduce(Int64(0)) { $0 + Int64($1.weight) }
        var credit = [Int64](repeating: 0, count: live.count)
        var result: [UInt16] = []
        result.reserveCapacity(length)
        for _ in 0..<length {
            var best = 0
            for index in live.indices {
                credit[index] += Int64(live[index].weight)
                if credit[index] > credit[best] { best = index }
            }
            credit[best] -= total
            result.append(live[best].slot)
        }
        return result
    }
}
