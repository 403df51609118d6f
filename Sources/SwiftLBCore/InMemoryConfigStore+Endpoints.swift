extension InMemoryConfigStore: EndpointConfigStore {
    /// Every stored endpoint entry, sorted by name.
    public func loadEndpoints() throws(ConfigStoreError) -> [EndPointEntry] {
        endpointEntries.values.sorted { $0.name < $1.name }
    }

    /// Inserts or replaces `entry` (by name), unless a failure was requested.
    public func saveEndpoint(_ entry: EndPointEntry) throws(ConfigStoreError) {
        try consumeFailure("save endpoint \(entry.name)")
        endpointEntries[entry.name] = entry
        writeCount += 1
    }

    /// Deletes the entry named `name`, unless a failure was requested.
    public func deleteEndpoint(name: String) throws(ConfigStoreError) {
        try consumeFailure("delete endpoint \(name)")
        endpointEntries[name] = nil
        writeCount += 1
    }
}
