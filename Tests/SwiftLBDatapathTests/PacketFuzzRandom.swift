/// SplitMix64 (Steele, Lea and Flood, 2014): a small deterministic generator, so that one seed replays a whole
/// fuzz run. `SystemRandomNumberGenerator` would make a finding impossible to reproduce.
struct PacketFuzzRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    /// A uniformly chosen integer of `range`.
    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }

    /// True with probability `percent` / 100.
    mutating func percent(_ percent: Int) -> Bool { int(0...99) < percent }

    mutating func byte() -> UInt8 { UInt8.random(in: 0...255, using: &self) }

    mutating func u16() -> UInt16 { UInt16.random(in: 0...0xffff, using: &self) }

    mutating func u32() -> UInt32 { UInt32.random(in: 0...0xffff_ffff, using: &self) }

    /// `count` random bytes, eight from each draw: payloads are most of what the fuzzer generates.
    mutating func bytes(_ count: Int) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: max(count, 0))
        var index = 0
        while index < result.count {
            var word = next()
            for _ in 0..<min(8, result.count - index) {
                result[index] = UInt8(truncatingIfNeeded: word)
                word >>= 8
                index += 1
            }
        }
        return result
    }

    /// One element of the non-empty `items`.
    mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }

    /// An index into `weights`, chosen with probability proportional to its weight.
    mutating func weighted(_ weights: [Int]) -> Int {
        var roll = int(0...(weights.reduce(0, +) - 1))
        for (index, weight) in weights.enumerated() {
            if roll < weight { return index }
            roll -= weight
        }
        return weights.count - 1
    }
}
