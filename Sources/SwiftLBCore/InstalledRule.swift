/// A rule together with the datapath slot it owns.
struct InstalledRule: Sendable, Hashable {
    var serviceID: UInt32
    var rule: LBRule

    var service: DatapathService { rule.datapathService(id: serviceID) }
    var record: ConfigRecord { ConfigRecord(key: rule.key, serviceID: serviceID, entry: rule.entry) }
}
