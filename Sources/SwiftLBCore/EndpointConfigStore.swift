/// Durable storage of endpoint entries (`/netlox/v1/config/endpoint`), beside the rules.
///
/// A `ConfigStore` that also conforms keeps endpoint entries across restarts; `RuleStore` keeps
/// them in memory only when its store does not conform.
public protocol EndpointConfigStore: Sendable {
    /// Every stored endpoint entry, sorted by name.
    func loadEndpoints() async throws(ConfigStoreError) -> [EndPointEntry]
    /// Inserts `entry`, or replaces the entry with the same name.
    func saveEndpoint(_ entry: EndPointEntry) async throws(ConfigStoreError)
    /// Deletes the entry named `name`; deleting an absent name is not an error.
    func deleteEndpoint(name: String) async throws(ConfigStoreError)
}
