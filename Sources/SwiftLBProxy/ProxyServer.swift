import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The proxy's listening sockets, one per VIP and port of the fullproxy rules, each with the
/// routing table its new connections and requests read.
///
/// `apply` brings the listeners to a plan: new ones are bound, gone ones closed (their accepted
/// connections keep going until they end), and the tables of the others swapped in place, so
/// a rule change never drops a connection.
///
/// Sockets bind with IP_FREEBIND: a VIP needs not be on an interface yet (BGP or HA puts it there
/// later, or the network routes it to this host).
public final class ProxyServer: Sendable {
    private final class Listener: Sendable {
        let channel: any Channel
        let table: Mutex<RoutingTable>

        init(channel: any Channel, table: RoutingTable) {
            self.channel = channel
            self.table = Mutex(table)
        }
    }

    private let group: any EventLoopGroup
    private let context: ProxyContext
    private let certificates: TLSCertificateStore
    private let listeners = Mutex([ListenerAddress: Listener]())

    init(group: any EventLoopGroup, context: ProxyContext, certificates: TLSCertificateStore) {
        self.group = group
        self.context = context
        self.certificates = certificates
    }

    /// The listeners bound now.
    public var boundListeners: [ListenerAddress] { listeners.withLock { Array($0.keys) }.sorted() }

    /// The address a listener actually bound (its port when the plan asked for 0, in tests).
    public func localAddress(of listener: ListenerAddress) -> SocketAddress? {
        listeners.withLock { $0[listener]?.channel.localAddress }
    }

    /// Brings the listeners to `plan`; returns the listeners that could not be bound, with why.
    @discardableResult
    public func apply(_ plan: [ListenerAddress: RoutingTable]) async -> [ListenerAddress: String] {
        let (stale, missing) = listeners.withLock { current -> ([any Channel], [ListenerAddress]) in
            var stale: [any Channel] = []
            for (address, listener) in current {
                if let table = plan[address] {
                    listener.table.withLock { $0 = table }
                } else {
                    stale.append(listener.channel)
                    current[address] = nil
                }
            }
            return (stale, plan.keys.filter { current[$0] == nil }.sorted())
        }
        for channel in stale { try? await channel.close() }
        var failures: [ListenerAddress: String] = [:]
        for address in missing {
            guard let table = plan[address] else { continue }
            do {
                let listener = try await bind(address, table: table)
                listeners.withLock { $0[address] = listener }
                context.logger.info("proxy listening", metadata: ["listener": "\(address)"])
            } catch {
                failures[address] = "\(error)"
            }
        }
        return failures
    }

    /// Closes every listener.
    public func closeAll() async {
        let channels = listeners.withLock { current in
            defer { current.removeAll() }
            return current.values.map(\.channel)
        }
        for channel in channels { try? await channel.close() }
    }

    private func bind(_ address: ListenerAddress, table: RoutingTable) async throws -> Listener {
        let socketAddress = try SocketAddress(ipAddress: "\(address.address)", port: Int(address.port))
        let box = NIOLockedValueBox<Listener?>(nil)
        let setup = ConnectionSetup(
            routes: { box.withLockedValue { $0 }?.table.withLock { $0 } ?? RoutingTable(routes: []) },
            shared: context, certificates: certificates)
        let freebind =
            address.address.isV4
            ? ChannelOptions.Types.SocketOption(level: .init(rawValue: Int32(IPPROTO_IP)), name: .init(rawValue: 15))
            : ChannelOptions.Types.SocketOption(level: .init(rawValue: Int32(IPPROTO_IPV6)), name: .init(rawValue: 78))
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(freebind, value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelOption(.autoRead, value: false)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try setup.initialize(channel) }
            }
            .bind(to: socketAddress).get()
        let listener = Listener(channel: channel, table: table)
        box.withLockedValue { $0 = listener }
        return listener
    }
}
