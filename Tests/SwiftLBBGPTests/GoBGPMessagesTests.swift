import Foundation
import GoBGPAPI
import SwiftLBBGP
import SwiftLBCore
import SwiftProtobuf
import Testing

@Suite("gobgp API messages")
struct GoBGPMessagesTests {
    @Test("IPv4 VIP: IPAddressPrefix NLRI, ORIGIN IGP, NEXT_HOP self (0.0.0.0), no LOCAL_PREF or MED")
    func ipv4Path() throws {
        let path = try GoBGPMessages.path(Advertisement(vip: Rules.ip("10.0.0.1")))
        #expect(path.family.afi == .ip && path.family.safi == .unicast)
        #expect(path.nlri.typeURL == "type.googleapis.com/apipb.IPAddressPrefix")
        let prefix = try Apipb_IPAddressPrefix(unpackingAny: path.nlri)
        #expect(prefix.prefix == "10.0.0.1" && prefix.prefixLen == 32)
        #expect(
            path.pattrs.map(\.typeURL) == [
                "type.googleapis.com/apipb.OriginAttribute", "type.googleapis.com/apipb.NextHopAttribute",
            ])
        #expect(try Apipb_OriginAttribute(unpackingAny: path.pattrs[0]).origin == 0)
        #expect(try Apipb_NextHopAttribute(unpackingAny: path.pattrs[1]).nextHop == "0.0.0.0")
    }

    @Test("IPv6 VIP: /128 in MP_REACH_NLRI with the ipv6-unicast family; attributes from the policy")
    func ipv6Path() throws {
        let advertisement = Advertisement(
            vip: Rules.ip("2001:db8::10"), nextHop: Rules.ip("2001:db8::1"), localPref: 300, med: 7)
        let path = try GoBGPMessages.path(advertisement)
        #expect(path.family.afi == .ip6 && path.family.safi == .unicast)
        let prefix = try Apipb_IPAddressPrefix(unpackingAny: path.nlri)
        #expect(prefix.prefix == "2001:db8::10" && prefix.prefixLen == 128)
        #expect(
            path.pattrs.map(\.typeURL) == [
                "type.googleapis.com/apipb.OriginAttribute", "type.googleapis.com/apipb.MpReachNLRIAttribute",
                "type.googleapis.com/apipb.LocalPrefAttribute", "type.googleapis.com/apipb.MultiExitDiscAttribute",
            ])
        let reach = try Apipb_MpReachNLRIAttribute(unpackingAny: path.pattrs[1])
        #expect(reach.family.afi == .ip6 && reach.nextHops == ["2001:db8::1"])
        #expect(try Apipb_IPAddressPrefix(unpackingAny: reach.nlris[0]).prefixLen == 128)
        #expect(try Apipb_LocalPrefAttribute(unpackingAny: path.pattrs[2]).localPref == 300)
        #expect(try Apipb_MultiExitDiscAttribute(unpackingAny: path.pattrs[3]).med == 7)
        // Without a configured next hop, "::" asks gobgpd for its own address.
        let own = try GoBGPMessages.path(Advertisement(vip: Rules.ip("2001:db8::10")))
        #expect(try Apipb_MpReachNLRIAttribute(unpackingAny: own.pattrs[1]).nextHops == ["::"])
    }

    @Test("the serialized path round-trips through the protobuf wire format")
    func wireRoundTrip() throws {
        var request = Apipb_AddPathRequest()
        request.path = try GoBGPMessages.path(Advertisement(vip: Rules.ip("10.0.0.1"), med: 9))
        let bytes: [UInt8] = try request.serializedBytes()
        let decoded = try Apipb_AddPathRequest(serializedBytes: bytes)
        // Any keeps either the message or its bytes, so compare the wire form, not the values.
        let again: [UInt8] = try decoded.serializedBytes()
        #expect(again == bytes)
        #expect(try Apipb_IPAddressPrefix(unpackingAny: decoded.path.nlri).prefix == "10.0.0.1")
        #expect(try Apipb_MultiExitDiscAttribute(unpackingAny: decoded.path.pattrs[2]).med == 9)
    }

    @Test("peer: address, AS, port, multihop and both unicast families; status reads it back")
    func peer() throws {
        let peer = BGPPeer(address: Rules.ip("10.0.0.2"), asn: 65000, port: 1179, multihop: true)
        var message = GoBGPMessages.peer(peer)
        #expect(message.conf.neighborAddress == "10.0.0.2" && message.conf.peerAsn == 65000)
        #expect(message.transport.remotePort == 1179)
        #expect(message.ebgpMultihop.enabled && message.ebgpMultihop.multihopTtl == 8)
        #expect(message.afiSafis.map(\.config.family.afi) == [.ip, .ip6])
        #expect(message.afiSafis.allSatisfy { $0.config.enabled && $0.config.family.safi == .unicast })

        message.state.sessionState = .established
        message.timers.state.uptime = Google_Protobuf_Timestamp(seconds: 1_000, nanos: 0)
        let status = try #require(GoBGPMessages.status(message, now: Date(timeIntervalSince1970: 1_090)))
        #expect(status == PeerStatus(peer: peer, state: "established", secondsInState: 90))

        message.state.sessionState = .active
        message.transport.remotePort = 0
        message.timers.state = Apipb_TimersState()
        let down = try #require(GoBGPMessages.status(message, now: Date()))
        #expect(down.state == "active" && down.secondsInState == nil && down.peer.port == 179)
    }

    static func destination(_ prefix: String, paths: [Apipb_Path]) -> Apipb_Destination {
        var destination = Apipb_Destination()
        destination.prefix = prefix
        destination.paths = paths
        return destination
    }

    static func learnedPath(nextHop: String, neighbor: String, best: Bool = true, v6: Bool = false) throws -> Apipb_Path
    {
        var path = Apipb_Path()
        path.best = best
        path.neighborIp = neighbor
        if v6 {
            var reach = Apipb_MpReachNLRIAttribute()
            reach.nextHops = nextHop.split(separator: ",").map(String.init)
            path.pattrs = [try Google_Protobuf_Any(message: reach)]
        } else {
            var hop = Apipb_NextHopAttribute()
            hop.nextHop = nextHop
            path.pattrs = [try Google_Protobuf_Any(message: hop)]
        }
        return path
    }

    @Test("learned routes: the best path from a peer; local, withdrawn and link-local-only paths are not")
    func learned() throws {
        let fromPeer = Self.destination(
            "10.1.0.0/24",
            paths: [
                try Self.learnedPath(nextHop: "10.2.0.9", neighbor: "10.2.0.9", best: false),
                try Self.learnedPath(nextHop: "10.2.0.1", neighbor: "10.2.0.1"),
            ])
        #expect(GoBGPMessages.learnedRoute(fromPeer)?.description == "10.1.0.0/24 via 10.2.0.1")
        // SwiftLB's own VIP: gobgpd lists it without a neighbor.
        let local = Self.destination(
            "10.0.0.1/32", paths: [try Self.learnedPath(nextHop: "0.0.0.0", neighbor: "<nil>")])
        #expect(GoBGPMessages.learnedRoute(local) == nil)
        var withdrawn = try Self.learnedPath(nextHop: "10.2.0.1", neighbor: "10.2.0.1")
        withdrawn.isWithdraw = true
        #expect(GoBGPMessages.learnedRoute(Self.destination("10.1.0.0/24", paths: [withdrawn])) == nil)
        let v6 = Self.destination(
            "2001:db8:1::/64",
            paths: [try Self.learnedPath(nextHop: "fe80::1,2001:db8:50::1", neighbor: "2001:db8:50::1", v6: true)])
        #expect(GoBGPMessages.learnedRoute(v6)?.description == "2001:db8:1::/64 via 2001:db8:50::1")
        let linkLocalOnly = Self.destination(
            "2001:db8:1::/64", paths: [try Self.learnedPath(nextHop: "fe80::1", neighbor: "fe80::1", v6: true)])
        #expect(GoBGPMessages.learnedRoute(linkLocalOnly) == nil)
    }

    @Test("session states map to loxilb's lower-case names")
    func states() {
        let states: [Apipb_PeerState.SessionState] = [
            .unknown, .idle, .connect, .active, .opensent, .openconfirm, .established, .UNRECOGNIZED(42),
        ]
        #expect(
            states.map(GoBGPMessages.sessionState) == [
                "unknown", "idle", "connect", "active", "opensent", "openconfirm", "established", "unknown",
            ])
    }
}
