import SwiftLBCore

/// One endpoint of a proxied rule: where connections go, its weight, and whether it may get new ones.
public struct ProxyEndpoint: Hashable, Sendable {
    public var address: IPAddress
    public var port: UInt16
    public var weight: UInt16
    /// False when the prober found it down (or it is detached): it gets no new connections.
    public var active: Bool

    public init(address: IPAddress, port: UInt16, weight: UInt16 = 1, active: Bool = true) {
        self.address = address
        self.port = port
        self.weight = weight
        self.active = active
    }

    /// "10.0.0.1:80" or "[2001:db8::1]:80".
    public var label: String { address.isV4 ? "\(address):\(port)" : "[\(address)]:\(port)" }
}
