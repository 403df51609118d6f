import Foundation
import SwiftLBBGP
import SwiftLBCore
import Testing

@Suite("Learned routes in the kernel")
struct KernelRouteTableTests {
    @Test("parses `ip -j route show`: single next hop, multipath, host route, default; skips device routes")
    func parse() throws {
        let json = """
            [{"dst":"10.1.0.0/24","gateway":"10.2.0.1","dev":"l0","protocol":"186","metric":20,"flags":[]},
             {"dst":"10.3.0.0/16","protocol":"186","metric":20,"flags":[],
              "nexthops":[{"gateway":"10.2.0.1","dev":"l0","weight":1,"flags":[]},
                          {"gateway":"10.2.0.2","dev":"l1","weight":1,"flags":[]}]},
             {"dst":"10.9.9.9","gateway":"10.2.0.1","dev":"l0","protocol":"186"},
             {"dst":"default","gateway":"10.2.0.254","dev":"l0","protocol":"186"},
             {"dst":"10.4.0.0/24","dev":"l0","protocol":"186","scope":"link"}]
            """
        let routes = try KernelRouteTable.parse(json: Data(json.utf8))
        #expect(
            routes.map(\.description) == [
                "10.1.0.0/24 via 10.2.0.1", "10.3.0.0/16 via 10.2.0.1,10.2.0.2", "10.9.9.9/32 via 10.2.0.1",
                "0.0.0.0/0 via 10.2.0.254",
            ])
        #expect(try KernelRouteTable.parse(json: Data()) == [])
        #expect(throws: (any Error).self) { try KernelRouteTable.parse(json: Data("{not json".utf8)) }
    }

    @Test("ip arguments carry protocol 186 and metric 20; ECMP routes list each next hop")
    func arguments() throws {
        let single = LearnedRoute(network: Rules.ip("10.1.0.0"), length: 24, nextHops: [Rules.ip("10.2.0.1")])
        #expect(
            KernelRouteTable.replaceArguments(single)
                == ["-4", "route", "replace", "10.1.0.0/24", "proto", "186", "metric", "20", "via", "10.2.0.1"])
        let ecmp = LearnedRoute(
            network: Rules.ip("2001:db8::"), length: 64,
            nextHops: [Rules.ip("2001:db8:2::1"), Rules.ip("2001:db8:1::1")])
        #expect(
            KernelRouteTable.replaceArguments(ecmp) == [
                "-6", "route", "replace", "2001:db8::/64", "proto", "186", "metric", "20", "nexthop", "via",
                "2001:db8:1::1", "nexthop", "via", "2001:db8:2::1",
            ])
        #expect(
            KernelRouteTable.removeArguments(single)
                == ["-4", "route", "del", "10.1.0.0/24", "proto", "186", "metric", "20"])
    }

    @Test("planner: install new, replace changed, remove gone, never install an announced VIP")
    func planner() {
        func route(_ prefix: String, _ hops: String...) -> LearnedRoute {
            let parsed = LearnedRoute.parsePrefix(prefix)!
            return LearnedRoute(network: parsed.network, length: parsed.length, nextHops: hops.map(Rules.ip))
        }
        let installed = [
            route("10.1.0.0/24", "10.2.0.1"), route("10.5.0.0/24", "10.2.0.1"), route("10.6.0.0/24", "10.2.0.1"),
        ]
        let learned = [
            route("10.1.0.0/24", "10.2.0.1"), route("10.5.0.0/24", "10.2.0.7"), route("10.7.0.0/24", "10.2.0.1"),
            route("10.0.0.1/32", "10.2.0.1"),
        ]
        let plan = KernelRoutePlanner.changes(installed: installed, learned: learned, excluded: ["10.0.0.1/32"])
        #expect(plan.remove.map(\.prefix) == ["10.6.0.0/24"])
        #expect(plan.replace.map(\.description) == ["10.5.0.0/24 via 10.2.0.7", "10.7.0.0/24 via 10.2.0.1"])
    }

    @Test("prefix parsing is strict")
    func prefixes() {
        #expect(LearnedRoute.parsePrefix("10.0.0.0/8")?.length == 8)
        #expect(LearnedRoute.parsePrefix("2001:db8::1")?.length == 128)
        #expect(LearnedRoute.parsePrefix("10.0.0.0/33") == nil)
        #expect(LearnedRoute.parsePrefix("10.0.0.0/") == nil)
        #expect(LearnedRoute.parsePrefix("default") == nil)
    }
}
