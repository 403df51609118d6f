/// Maglev consistent-hash lookup tables (Eisenbud et al., NSDI 2016), computed in Swift and
/// written to the datapath, which indexes them with a packet hash.
///
/// Every endpoint derives a preference list of the table's buckets from two hashes of its name
/// (`offset` and `skip`, a permutation because the size is prime), and endpoints take turns
/// claiming their next free preferred bucket until the table is full. With equal weights each
/// endpoint owns ⌊M/N⌋ or ⌈M/N⌉ buckets; removing one endpoint only reassigns (about) the buckets
/// it owned, so about 1/N of new-flow assignments move. A heavier endpoint gets more turns per
/// round, in proportion to its weight.
public enum MaglevTable {
    /// The table size the datapath uses: a prime, so every `skip` walks every bucket.
    public static let defaultSize = 65537
    /// The largest size `build` accepts (also prime): bigger tables smooth heavy weight ratios.
    public static let maxSize = 655_373

    /// One candidate: its stable name (it decides the preference list), its weight, and the value
    /// written into the buckets it owns (its datapath slot).
    public struct Member: Hashable, Sendable {
        /// Stable identity, e.g. "10.0.1.1:8080": the same name always gets the same preferences.
        public var name: String
        /// Relative share; 0 takes no buckets.
        public var weight: UInt32
        /// What the buckets it owns hold.
        public var slot: UInt16

        /// Creates a member.
        public init(name: String, weight: UInt32, slot: UInt16) {
            self.name = name
            self.weight = weight
            self.slot = slot
        }
    }

    /// The table for `members` with `size` buckets (a prime ≤ `maxSize`), each bucket holding the
    /// owner's slot. Members with weight 0 own nothing; with no member of positive weight, or a
    /// size that is not such a prime (a permutation needs one), every bucket holds `empty`.
    public static func build(_ members: [Member], size: Int = defaultSize, empty: UInt16 = .max) -> [UInt16] {
        // Turns go in name order, so the table depends on the set of members, not on their order.
        let live = members.filter { $0.weight > 0 }.sorted { ($0.name, $0.slot) < ($1.name, $1.slot) }
        guard !live.isEmpty, size >= 2, size <= maxSize, isPrime(size) else {
            return Array(repeating: empty, count: max(size, 0))
        }
        let heaviest = live.map(\.weight).max() ?? 1
        let modulus = UInt64(size)
        var offset = live.map { UInt64(hash($0.name, seed: 0x5bd1_e995)) % modulus }
        let skip = live.map { UInt64(hash($0.name, seed: 0x9e37_79b9)) % (modulus - 1) + 1 }
        var credit = [UInt64](repeating: 0, count: live.count)
        var table = [UInt16](repeating: empty, count: size)
        var owned = [Bool](repeating: false, count: size)
        var filled = 0
        // Each round every member earns `weight` credit; a turn costs `heaviest`, so the heaviest
        // member claims one bucket per round and the others in proportion.
        while filled < size {
            for index in live.indices {
                credit[index] += UInt64(live[index].weight)
                guard credit[index] >= UInt64(heaviest) else { continue }
                credit[index] -= UInt64(heaviest)
                var bucket = Int(offset[index])
                while owned[bucket] {
                    offset[index] = (offset[index] + skip[index]) % modulus
                    bucket = Int(offset[index])
                }
                owned[bucket] = true
                table[bucket] = live[index].slot
                offset[index] = (offset[index] + skip[index]) % modulus
                filled += 1
                if filled == size { break }
            }
        }
        return table
    }

    /// How many buckets hold each value.
    public static func shares(_ table: [UInt16]) -> [UInt16: Int] {
        table.reduce(into: [:]) { $0[$1, default: 0] += 1 }
    }

    /// Whether `value` is prime (trial division; sizes are small).
    public static func isPrime(_ value: Int) -> Bool {
        guard value >= 2 else { return false }
        var divisor = 2
        while divisor * divisor <= value {
            if value % divisor == 0 { return false }
            divisor += 1
        }
        return true
    }

    // FNV-1a (64-bit) over the name, with a seed folded in first, finished with a 64-bit mixer so
    // that names differing in one character get unrelated offsets and skips.
    static func hash(_ name: String, seed: UInt64) -> UInt64 {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325 ^ seed
        for byte in name.utf8 {
            value ^= UInt64(byte)
            value = value &* 0x0000_0100_0000_01b3
        }
        value ^= value >> 33
        value = value &* 0xff51_afd7_ed55_8ccd
        value ^= value >> 33
        value = value &* 0xc4ce_b9fe_1a85_ec53
        value ^= value >> 33
        return value
    }
}
