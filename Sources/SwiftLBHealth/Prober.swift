import NIOCore
import NIOPosix
import SwiftLBCore

/// Runs one probe of a target and says what it found; the real one uses the network, tests use fakes.
public protocol Prober: Sendable {
    /// Probes `target` once, within `target.timeout`.
    func probe(_ target: ProbeTarget) async -> ProbeResult
}

/// The network prober: ping and udp on plain sockets, sctp on a raw socket, tcp, http and https over SwiftNIO.
public struct NetworkProber: Prober {
    let stream: StreamProbe

    /// Creates a prober whose TCP, HTTP and HTTPS probes run on `group`.
    public init(group: any EventLoopGroup) {
        self.stream = StreamProbe(group: group)
    }

    /// Probes `target` by its type; `none` counts as up.
    public func probe(_ target: ProbeTarget) async -> ProbeResult {
        switch target.type {
        case .ping, .udp: return await DatagramProbe.probe(target)
        case .tcp, .http, .https: return await stream.probe(target)
        case .sctp: return await SCTPProbe.probe(target)
        case .none: return .success(delay: .zero)
        }
    }
}

extension NetworkProber {
    /// A prober on SwiftNIO's shared event loop group.
    public static var shared: NetworkProber { NetworkProber(group: MultiThreadedEventLoopGroup.singleton) }
}
