import SwiftLBCore

/// The pure mapping from the rule set to the routes to announce, and from what is announced to
/// what must change.
public enum AdvertisementPlanner {
    /// The VIPs to announce: one route per VIP that has at least one rule with `bgp: true` and at
    /// least one active endpoint. A VIP shared by several rules (ports) is announced once, while any
    /// of them qualifies; rules without `bgp` never withdraw a VIP another rule announces.
    public static func advertisements(for rules: [LBRule], policy: AdvertisementPolicy) -> [Advertisement] {
        var vips = Set<IPAddress>()
        for rule in rules where rule.entry.serviceArguments.bgp && rule.endpoints.contains(where: \.active) {
            vips.insert(rule.key.vip)
        }
        return vips.sorted().map { vip in
            Advertisement(
                vip: vip, nextHop: vip.isV4 ? policy.nextHopV4 : policy.nextHopV6, localPref: policy.localPref,
                med: policy.med)
        }
    }

    /// What to send to go from `current` to `desired`: routes to withdraw (gone, or announced with
    /// other attributes) and routes to announce (new, or with changed attributes), each sorted.
    public static func changes(
        from current: [Advertisement], to desired: [Advertisement]
    ) -> (withdraw: [Advertisement], announce: [Advertisement]) {
        let have = Set(current)
        let want = Set(desired)
        let wantedVIPs = Set(desired.map(\.vip))
        // A route whose attributes changed is re-announced; BGP replaces it at the peer (implicit
        // withdraw), so only routes whose VIP is no longer wanted are withdrawn explicitly.
        let withdraw = have.subtracting(want).filter { !wantedVIPs.contains($0.vip) }
        let announce = want.subtracting(have)
        return (withdraw.sorted(), announce.sorted())
    }
}
