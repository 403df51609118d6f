/// A rule together with the datapath slot it owns.
///
/// Held by reference: `RuleTable` keeps every rule in a dictionary with room for about 1.6 times
/// as many, and inline each bucket took the whole rule (~400 bytes, most of it the loxilb entry):
/// 6.5 MiB for 10,000 rules, 2 MiB more than the rules themselves.
struct InstalledRule: Sendable, Hashable {
    private let storage: Storage

    init(serviceID: UInt32, rule: LBRule) {
        storage = Storage(serviceID: serviceID, rule: rule)
    }

    var serviceID: UInt32 { storage.serviceID }
    var rule: LBRule { storage.rule }

    var service: DatapathService { rule.datapathService(id: serviceID) }
    var record: ConfigRecord { ConfigRecord(key: rule.key, serviceID: serviceID, entry: rule.entry) }

    static func == (left: InstalledRule, right: InstalledRule) -> Bool {
        left.storage === right.storage || (left.serviceID == right.serviceID && left.rule == right.rule)
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(serviceID)
        hasher.combine(rule)
    }

    private final class Storage: Sendable {
        let serviceID: UInt32
        let rule: LBRule

        init(serviceID: UInt32, rule: LBRule) {
            self.serviceID = serviceID
            self.rule = rule
        }
    }
}
