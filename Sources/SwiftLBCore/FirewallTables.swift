/// The firewall's lookup tables, kept incrementally as rules come and go (tuple-space search).
///
/// Every rule becomes one or more hash entries. An entry's key is the packet's fields under a
/// mask: source and destination prefix lengths, source and destination port prefix lengths (a
/// port range is cut into aligned power-of-two blocks, at most 30 per field), whether protocol
/// and interface are matched. Each distinct mask is a "tuple"; the datapath masks the packet once
/// per active tuple and looks it up, so its cost is at most `maxTuples` hash lookups whatever the
/// number of rules. Where two rules give the same key, the entry holds the better one
/// (higher preference, then the lower rule id); the datapath keeps the best over all tuples.
public struct FirewallTables: Sendable {
    /// The most distinct masks at once (the datapath's loop bound).
    public static let maxTuples = 32
    /// The most rules at once (the counter array's size).
    public static let maxRules = 131_072
    /// The most hash entries at once (the hash map's size).
    public static let maxEntries = 262_144

    /// One mask.
    public struct Tuple: Hashable, Sendable {
        public var v4: Bool
        public var sourceLength: UInt8
        public var destinationLength: UInt8
        public var sourcePortLength: UInt8
        public var destinationPortLength: UInt8
        public var matchesProto: Bool
        public var matchesInterface: Bool
    }

    /// One hash key: the masked fields and the tuple's slot.
    public struct Key: Hashable, Sendable {
        public var tuple: UInt32
        public var ifindex: UInt32
        public var source: IPAddress
        public var destination: IPAddress
        public var sourcePort: UInt16
        public var destinationPort: UInt16
        public var proto: UInt8
    }

    /// One hash value: the rule that wins this key.
    public struct Value: Hashable, Sendable {
        /// preference << 32 | (UInt32.max - id): larger wins, ties to the lower id.
        public var rank: UInt64
        public var ruleID: UInt32
        public var action: FirewallRule.Action
        public var mark: UInt32
        /// The interface a redirect leaves by.
        public var redirectIndex: UInt32 = 0
        /// The rule acts on packets of tracked flows too.
        public var everyPacket = false
    }

    /// What one change asks of the datapath, in this order: write `upserts`, write `tuples` (when
    /// not nil: the active tuples, by slot), remove `removals`, then set or clear the datapath's
    /// every-packet switch (`everyPacket`, when not nil: whether some installed rule has it).
    public struct Delta: Sendable, Equatable {
        public var upserts: [Key: Value] = [:]
        public var tuples: [Tuple?]?
        public var removals: Set<Key> = []
        public var everyPacket: Bool?

        /// An empty change.
        public init() {}
    }

    /// Tuples by slot (nil = free slot).
    public private(set) var slots: [Tuple?] = Array(repeating: nil, count: maxTuples)
    private var slotUsers: [Int] = Array(repeating: 0, count: maxTuples)
    private var owners: [Key: [UInt32: Value]] = [:]
    private var keysOfRule: [UInt32: [Key]] = [:]
    /// Installed rules with `everyPacket`: while there is one, tracked flows meet the firewall.
    private var everyPacketRules: Set<UInt32> = []

    /// Empty tables.
    public init() {}

    /// Number of hash entries.
    public var entryCount: Int { owners.count }

    /// Adds rule `id`; `ifindex` resolves its `portName` and `redirectIndex` its redirect interface
    /// (nil: the rule cannot act yet and gets no entry). Throws 507 (nothing changed) when the
    /// tuple or entry limits would be passed.
    public mutating func add(
        _ rule: FirewallRule, id: UInt32, ifindex: UInt32?, redirectIndex: UInt32? = nil
    ) throws(APIError) -> Delta {
        var redirect: UInt32 = 0
        if case .redirect = rule.action {
            guard let redirectIndex else { keysOfRule[id] = []; return Delta() }
            redirect = redirectIndex
        }
        if !rule.inPort.isEmpty && ifindex == nil { keysOfRule[id] = []; return Delta() }
        let expanded = Self.expand(rule)
        var newSlots = slots
        var slotOf: [Tuple: Int] = [:]
        for (tuple, _) in expanded where slotOf[tuple] == nil {
            if let existing = newSlots.firstIndex(of: tuple) {
                slotOf[tuple] = existing
            } else if let free = newSlots.firstIndex(of: nil) {
                newSlots[free] = tuple
                slotOf[tuple] = free
            } else {
                throw APIError(
                    status: 507,
                    message: "the firewall has \(Self.maxTuples) distinct match shapes (prefix lengths, port blocks) "
                        + "in use; this rule needs another")
            }
        }
        guard owners.count + expanded.count <= Self.maxEntries else {
            throw APIError(status: 507, message: "the firewall table is full (\(Self.maxEntries) entries)")
        }
        let value = Value(
            rank: UInt64(rule.preference) << 32 | UInt64(UInt32.max - id), ruleID: id, action: rule.action,
            mark: rule.mark, redirectIndex: redirect, everyPacket: rule.everyPacket)
        var delta = Delta()
        var keys: [Key] = []
        for (tuple, partial) in expanded {
            let slot = slotOf[tuple]!
            var key = partial
            key.tuple = UInt32(slot)
            key.ifindex = rule.inPort.isEmpty ? 0 : ifindex!
            keys.append(key)
            slotUsers[slot] += 1
            let best = owners[key]?.values.max { $0.rank < $1.rank }
            owners[key, default: [:]][id] = value
            if best == nil || best!.rank < value.rank { delta.upserts[key] = value }
        }
        keysOfRule[id] = keys
        if newSlots != slots {
            slots = newSlots
            delta.tuples = slots
        }
        if rule.everyPacket && everyPacketRules.insert(id).inserted && everyPacketRules.count == 1 {
            delta.everyPacket = true
        }
        return delta
    }

    /// Removes rule `id`: its keys go to the next best rule or away; unused tuples are freed.
    public mutating func remove(id: UInt32) -> Delta {
        var delta = Delta()
        for key in keysOfRule.removeValue(forKey: id) ?? [] {
            owners[key]?[id] = nil
            slotUsers[Int(key.tuple)] -= 1
            if let rest = owners[key], let best = rest.values.max(by: { $0.rank < $1.rank }) {
                delta.upserts[key] = best
            } else {
                owners[key] = nil
                delta.removals.insert(key)
            }
        }
        var changed = false
        for slot in slots.indices where slots[slot] != nil && slotUsers[slot] == 0 {
            slots[slot] = nil
            changed = true
        }
        if changed { delta.tuples = slots }
        if everyPacketRules.remove(id) != nil && everyPacketRules.isEmpty { delta.everyPacket = false }
        return delta
    }

    /// The (tuple, key without slot and interface) pairs of `rule`.
    static func expand(_ rule: FirewallRule) -> [(Tuple, Key)] {
        var result: [(Tuple, Key)] = []
        for sport in blocks(rule.sourcePorts) {
            for dport in blocks(rule.destinationPorts) {
                let tuple = Tuple(
                    v4: rule.isV4, sourceLength: UInt8(rule.source.length),
                    destinationLength: UInt8(rule.destination.length), sourcePortLength: sport.length,
                    destinationPortLength: dport.length, matchesProto: rule.proto != 0,
                    matchesInterface: !rule.inPort.isEmpty)
                let key = Key(
                    tuple: 0, ifindex: 0, source: rule.source.address, destination: rule.destination.address,
                    sourcePort: sport.value, destinationPort: dport.value, proto: rule.proto)
                result.append((tuple, key))
            }
        }
        return result
    }

    /// `range` cut into aligned blocks: (first port, prefix length); 0...65535 is one block of length 0.
    static func blocks(_ range: ClosedRange<UInt16>) -> [(value: UInt16, length: UInt8)] {
        var result: [(UInt16, UInt8)] = []
        var low = UInt32(range.lowerBound)
        let high = UInt32(range.upperBound)
        while low <= high {
            var size: UInt32 = 1
            while low % (size * 2) == 0 && low + size * 2 - 1 <= high && size < 65536 { size *= 2 }
            result.append((UInt16(low), UInt8(16 - size.trailingZeroBitCount)))
            low += size
        }
        return result
    }
}
