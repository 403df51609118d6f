/// How many services, endpoint slots and selection tables the datapath's maps hold: the daemon's
/// `--max-services`, `--endpoint-entries` and `--selection-tables`. The maps are sized from it at
/// load, and the rule store refuses what would not fit (507).
public struct DatapathCapacity: Sendable, Equatable {
    /// Service ids are 0 ..< `maxServices`.
    public var maxServices: Int
    /// Endpoint slots of all services together (each endpoint-keyed map holds this many).
    public var endpointEntries: Int
    /// Services that may use hash, priority or persist (one 128 KiB table each) at once.
    public var selectionTables: Int

    public init(
        maxServices: Int = Limits.maxServices, endpointEntries: Int = Limits.endpointEntries,
        selectionTables: Int = Limits.selectionTables
    ) {
        self.maxServices = maxServices
        self.endpointEntries = endpointEntries
        self.selectionTables = selectionTables
    }

    /// The defaults of the datapath object (swiftlb_abi.h).
    public static let defaults = DatapathCapacity()

    /// Accepted `--max-services`: the upper bound keeps an endpoint key (id × 1,024 + slot) in 32 bits.
    public static let servicesRange = 1024...4_194_304
    /// Accepted `--endpoint-entries`.
    public static let endpointEntriesRange = 1024...16_777_216
    /// Accepted `--selection-tables` (16,384 tables would take 2 GiB of kernel memory when all used).
    public static let selectionTablesRange = 1...16384

    /// Entries of the service match map: two per service (port ranges and secondary VIPs share
    /// them), never fewer than 65,536.
    public var serviceKeys: Int { Self.serviceKeys(forServices: maxServices) }

    /// The match-map size for `maxServices` services (see `serviceKeys`).
    public static func serviceKeys(forServices maxServices: Int) -> Int {
        max(Limits.minServiceKeys, 2 * maxServices)
    }

    /// What is wrong with these numbers, naming the flag, or nil when they are usable.
    public var problem: String? {
        if !Self.servicesRange.contains(maxServices) {
            return "--max-services must be \(Self.servicesRange.lowerBound)...\(Self.servicesRange.upperBound)"
        }
        if !Self.endpointEntriesRange.contains(endpointEntries) {
            return "--endpoint-entries must be "
                + "\(Self.endpointEntriesRange.lowerBound)...\(Self.endpointEntriesRange.upperBound)"
        }
        if !Self.selectionTablesRange.contains(selectionTables) {
            return "--selection-tables must be "
                + "\(Self.selectionTablesRange.lowerBound)...\(Self.selectionTablesRange.upperBound)"
        }
        return nil
    }
}
