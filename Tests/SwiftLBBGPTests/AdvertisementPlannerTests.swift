import SwiftLBBGP
import SwiftLBCore
import Testing

@Suite("Rules to BGP advertisements")
struct AdvertisementPlannerTests {
    @Test("only VIPs of bgp rules with an active endpoint, once each, /32 and /128, sorted")
    func mapping() {
        let rules = [
            Rules.rule("10.0.0.9"),
            Rules.rule("10.0.0.1", port: 80),
            Rules.rule("10.0.0.1", port: 443),  // same VIP, second port: announced once
            Rules.rule("10.0.0.2", bgp: false),  // not asked for
            Rules.rule("10.0.0.3", active: [false, false]),  // every endpoint down
            Rules.rule("10.0.0.4", active: [false, true]),  // one endpoint left
            Rules.rule("2001:db8::10"),
        ]
        let routes = AdvertisementPlanner.advertisements(for: rules, policy: AdvertisementPolicy())
        #expect(routes.map(\.prefix) == ["10.0.0.1/32", "10.0.0.4/32", "10.0.0.9/32", "2001:db8::10/128"])
        #expect(routes.allSatisfy { $0.nextHop == nil && $0.localPref == nil && $0.med == nil })
    }

    @Test("a VIP stays announced while any of its bgp rules qualifies")
    func sharedVIP() {
        let rules = [Rules.rule("10.0.0.1", port: 80, active: [false]), Rules.rule("10.0.0.1", port: 81)]
        #expect(AdvertisementPlanner.advertisements(for: rules, policy: .init()).map(\.prefix) == ["10.0.0.1/32"])
        let none = [Rules.rule("10.0.0.1", port: 80, active: [false]), Rules.rule("10.0.0.1", port: 81, bgp: false)]
        #expect(AdvertisementPlanner.advertisements(for: none, policy: .init()).isEmpty)
        #expect(AdvertisementPlanner.advertisements(for: [Rules.rule("10.0.0.1", active: [])], policy: .init()).isEmpty)
    }

    @Test("the policy sets next hop per family, LOCAL_PREF and MED")
    func policy() {
        let policy = AdvertisementPolicy(
            nextHopV4: Rules.ip("192.0.2.1"), nextHopV6: Rules.ip("2001:db8::1"), localPref: 200, med: 10)
        let routes = AdvertisementPlanner.advertisements(
            for: [Rules.rule("10.0.0.1"), Rules.rule("2001:db8::10")], policy: policy)
        #expect(
            routes.map(\.description) == [
                "10.0.0.1/32 nexthop 192.0.2.1 local-pref 200 med 10",
                "2001:db8::10/128 nexthop 2001:db8::1 local-pref 200 med 10",
            ])
    }

    @Test("changes: withdraw what is gone, announce what is new or changed, keep the rest")
    func changes() {
        let a = Advertisement(vip: Rules.ip("10.0.0.1"))
        let b = Advertisement(vip: Rules.ip("10.0.0.2"))
        let c = Advertisement(vip: Rules.ip("10.0.0.3"))
        let bPreferred = Advertisement(vip: Rules.ip("10.0.0.2"), med: 5)
        let plan = AdvertisementPlanner.changes(from: [a, b], to: [bPreferred, c])
        #expect(plan.withdraw == [a])
        #expect(plan.announce == [bPreferred, c])
        let none = AdvertisementPlanner.changes(from: [a, b], to: [b, a])
        #expect(none.withdraw.isEmpty && none.announce.isEmpty)
    }
}
