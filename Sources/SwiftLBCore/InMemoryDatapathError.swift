/// Why `InMemoryDatapath` refused a call.
public enum InMemoryDatapathError: DatapathFailure, Sendable, Hashable, CustomStringConvertible {
    /// A failure requested with `failNext(_:)`.
    case injected(InMemoryDatapath.Call)
    /// The id is outside `0 ..< Limits.maxServices`.
    case idOutOfRange(UInt32)
    /// More endpoints than `Limits.maxEndpointsPerService`.
    case tooManyEndpoints(Int)
    /// Another key holds this id.
    case idInUse(UInt32, by: ServiceKey)
    /// Another id holds this key.
    case keyInUse(ServiceKey, byID: UInt32)

    /// Whether the refusal is a limit (the API's 507).
    public var isLimit: Bool {
        switch self {
        case .idOutOfRange, .tooManyEndpoints: true
        case .injected, .idInUse, .keyInUse: false
        }
    }

    /// A sentence describing the refusal.
    public var description: String {
        switch self {
        case .injected(let call): "injected failure of \(call)"
        case .idOutOfRange(let id): "service id \(id) is out of range"
        case .tooManyEndpoints(let count): "\(count) endpoints exceed the per-service limit"
        case .idInUse(let id, let key): "service id \(id) is held by \(key)"
        case .keyInUse(let key, let id): "\(key) is held by service id \(id)"
        }
    }
}
