import SwiftLBCore
import Testing

@testable import SwiftLBKube

@Suite("IPAM: VIP pools, shared and unique allocation")
struct IPAMTests {
    static func pools(_ text: String) throws -> [VIPPool] { try VIPPool.parseList(text) }
    static let http = Set([IPAM.PortKey(port: 80, proto: "TCP")])
    static let dns = Set([IPAM.PortKey(port: 53, proto: "udp")])

    @Test("pools from kube-loxilb's flag: prefixes skip network and broadcast, ranges are inclusive")
    func parsing() throws {
        let pools = try Self.pools("defaultPool=123.123.123.1/24,pool2=10.0.0.5-10.0.0.6,one=10.9.9.9/32")
        #expect(
            pools.map(\.description) == [
                "defaultPool=123.123.123.1-123.123.123.254", "pool2=10.0.0.5-10.0.0.6", "one=10.9.9.9-10.9.9.9",
            ])
        let six = try Self.pools("v6=fd00:1::/120")
        #expect(six[0].description == "v6=fd00:1::1-fd00:1::ff")
        #expect(throws: VIPPool.ParseError.self) { try Self.pools("nameless") }
        #expect(throws: VIPPool.ParseError.self) { try Self.pools("a=10.0.0.0/33") }
        #expect(throws: VIPPool.ParseError.self) { try Self.pools("a=10.0.0.9-10.0.0.1") }
        #expect(throws: VIPPool.ParseError.self) { try Self.pools("a=10.0.0.1-fd00::1") }
        #expect(throws: VIPPool.ParseError.self) { try Self.pools("a=10.0.0.1/32,a=10.0.0.2/32") }
    }

    @Test("shared mode: services on different ports share the lowest address; the same port takes the next")
    func shared() throws {
        var ipam = IPAM(pools: try Self.pools("p=10.0.0.1-10.0.0.2"), unique: false)
        let a = try ipam.assign("ns/a", .init(families: [.v4], ports: Self.http))
        let b = try ipam.assign("ns/b", .init(families: [.v4], ports: Self.dns))
        let c = try ipam.assign("ns/c", .init(families: [.v4], ports: Self.http))
        #expect(a.map(\.description) == ["10.0.0.1"])
        #expect(b.map(\.description) == ["10.0.0.1"])
        #expect(c.map(\.description) == ["10.0.0.2"])
        // Full for port 80: an error naming the pool, and nothing changes.
        #expect(throws: IPAM.AllocationError.self) { try ipam.assign("ns/d", .init(families: [.v4], ports: Self.http)) }
        #expect(ipam.addresses(of: "ns/d").isEmpty)
        ipam.release("ns/a")
        #expect(try ipam.assign("ns/d", .init(families: [.v4], ports: Self.http)).map(\.description) == ["10.0.0.1"])
    }

    @Test("unique mode: one address per service; a full pool is PoolExhausted and changes nothing")
    func unique() throws {
        var ipam = IPAM(pools: try Self.pools("p=10.0.0.1-10.0.0.2"), unique: true)
        _ = try ipam.assign("ns/a", .init(families: [.v4], ports: Self.http))
        #expect(try ipam.assign("ns/b", .init(families: [.v4], ports: Self.dns)).map(\.description) == ["10.0.0.2"])
        do {
            _ = try ipam.assign("ns/c", .init(families: [.v4], ports: Self.dns))
            Issue.record("a full pool must throw")
        } catch {
            #expect(error.reason == "PoolExhausted")
            #expect(error.description.contains("pool p"))
        }
        #expect(ipam.heldCount == 2)
    }

    @Test("addresses from status are kept after a restart; a changed request keeps the address when allowed")
    func keepsCurrent() throws {
        var ipam = IPAM(pools: try Self.pools("p=10.0.0.1/24"), unique: true)
        let status = [try #require(IPAddress("10.0.0.77"))]
        #expect(try ipam.assign("ns/a", .init(families: [.v4], ports: Self.http, current: status)) == status)
        // A new port on the same service: same address.
        let both = Self.http.union(Self.dns)
        #expect(try ipam.assign("ns/a", .init(families: [.v4], ports: both)) == status)
        // An address outside the pool (the pool changed) is not kept.
        let outside = [try #require(IPAddress("192.168.0.1"))]
        #expect(try ipam.assign("ns/b", .init(families: [.v4], ports: Self.http, current: outside)).first != outside[0])
    }

    @Test("static addresses: used as given (also outside pools), refused when taken")
    func statics() throws {
        var ipam = IPAM(pools: try Self.pools("p=10.0.0.1/24"), unique: false)
        let wanted = try #require(IPAddress("10.0.0.50"))
        let outside = try #require(IPAddress("172.16.0.9"))
        #expect(
            try ipam.assign("ns/a", .init(families: [.v4], ports: Self.http, staticAddresses: [wanted])) == [wanted])
        #expect(
            try ipam.assign("ns/b", .init(families: [.v4], ports: Self.http, staticAddresses: [outside])) == [outside])
        do {
            _ = try ipam.assign("ns/c", .init(families: [.v4], ports: Self.http, staticAddresses: [wanted]))
            Issue.record("a taken static address must throw")
        } catch {
            #expect(error.reason == "IPInUse")
            #expect(error.description.contains("ns/a"))
        }
        // Another port on the same static address is fine in shared mode.
        #expect(try ipam.assign("ns/c", .init(families: [.v4], ports: Self.dns, staticAddresses: [wanted])) == [wanted])
    }

    @Test("dual stack takes one address of each family; poolSelect picks the pool; unknown pools are errors")
    func families() throws {
        var ipam = IPAM(pools: try Self.pools("p=10.0.0.1/24,q=10.1.0.1/24,v6=fd00::/64"), unique: false)
        let both = try ipam.assign("ns/a", .init(families: [.v4, .v6], ports: Self.http))
        #expect(both.map(\.description) == ["10.0.0.1", "fd00::1"])
        #expect(
            try ipam.assign("ns/b", .init(families: [.v4], ports: Self.http, pool: "q")).map(\.description) == [
                "10.1.0.1"
            ])
        #expect(throws: IPAM.AllocationError.self) {
            try ipam.assign("ns/c", .init(families: [.v4], ports: Self.http, pool: "nosuch"))
        }
        var v4only = IPAM(pools: try Self.pools("p=10.0.0.1/24"), unique: false)
        // A failed dual-stack request leaves the IPv4 pool untouched.
        #expect(throws: IPAM.AllocationError.self) {
            try v4only.assign("ns/a", .init(families: [.v4, .v6], ports: Self.http))
        }
        #expect(v4only.heldCount == 0)
        // A failed change keeps what the service held, with the ports it held them for.
        _ = try v4only.assign("ns/a", .init(families: [.v4], ports: Self.http))
        #expect(throws: IPAM.AllocationError.self) {
            try v4only.assign("ns/a", .init(families: [.v4, .v6], ports: Self.http.union(Self.dns)))
        }
        #expect(v4only.addresses(of: "ns/a").map(\.description) == ["10.0.0.1"])
        #expect(try v4only.assign("ns/b", .init(families: [.v4], ports: Self.dns)).map(\.description) == ["10.0.0.1"])
    }
}
