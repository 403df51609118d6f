import Foundation
import SwiftLBCore
import Testing

@testable import SwiftLBHA

/// A MASTER's VIPs become host addresses of the interface of their subnet, announced on the wire;
/// a BACKUP's are removed. On a veth pair of the test's own.
@Suite(.serialized, .enabled(if: Fixture.enabled, "needs root and scripts/fixture-netns.sh (run scripts/test.sh)"))
struct VIPOwnerFixtureTests {
    @Test(
        "hold adds the VIP on the interface of its subnet and announces it; release removes it; routed VIPs are left alone"
    )
    func holdAndRelease() async throws {
        let ip = AnnouncerFixtureTests.ip
        #expect(ip("link", "add", "slbvo0", "type", "veth", "peer", "name", "slbvo1") == 0)
        defer { _ = ip("link", "del", "slbvo0") }
        #expect(ip("addr", "add", "10.99.1.1/24", "dev", "slbvo0") == 0)
        #expect(ip("link", "set", "slbvo0", "up") == 0 && ip("link", "set", "slbvo1", "up") == 0)
        try await AnnouncerFixtureTests.waitRunning("slbvo0")
        try await AnnouncerFixtureTests.waitRunning("slbvo1")
        let vip = try #require(IPAddress("10.99.1.100"))
        let routed = try #require(IPAddress("10.98.0.1"))
        let interface = try #require(VIPAddresses.interface(for: vip))
        #expect(interface.name == "slbvo0")
        #expect(VIPAddresses.interface(for: routed) == nil)
        #expect(VIPAddresses.localAddress(toward: try #require(IPAddress("10.99.1.2"))) == IPAddress("10.99.1.1"))

        let owner = KernelVIPOwner(logger: .init(label: "test"), count: 3, gap: .milliseconds(50))
        var problems: [String] = []
        let arps = try await AnnouncerFixtureTests.capture(on: "slbvo1", ethertype: 0x0806, seconds: 10, until: 3) {
            problems = await owner.hold([vip, routed], of: [vip, routed], announceAll: true)
        }
        #expect(problems.isEmpty)
        #expect(VIPAddresses.holders(of: vip) == [interface])
        #expect(VIPAddresses.holders(of: routed).isEmpty)
        let mac = try #require(Announcer.hardwareAddress(of: "slbvo0"))
        #expect(arps.filter { $0 == Announcer.frame(announcing: vip, from: mac) }.count == 3)
        // The interface's MAC as the kernel reports it, the one the announcement must carry.
        #expect(arps.first.map { Array($0[6..<12]) } == mac)

        // Held already: no second add, no announcement unless asked.
        let quiet = try await AnnouncerFixtureTests.capture(on: "slbvo1", ethertype: 0x0806, seconds: 0.5) {
            problems = await owner.hold([vip], of: [vip], announceAll: false)
        }
        #expect(problems.isEmpty)
        #expect(quiet.isEmpty)

        problems = await owner.hold([], of: [vip], announceAll: false)
        #expect(problems.isEmpty)
        #expect(VIPAddresses.holders(of: vip).isEmpty)
        // The interface's own address is untouched.
        #expect(VIPAddresses.interface(for: vip) == interface)

        // IPv6: a /128 on the interface of the /64, without duplicate address detection.
        #expect(ip("addr", "add", "fd00:99::1/64", "dev", "slbvo0", "nodad") == 0)
        let vip6 = try #require(IPAddress("fd00:99::100"))
        #expect(VIPAddresses.interface(for: vip6) == interface)
        problems = await owner.hold([vip6], of: [vip6], announceAll: false)
        #expect(problems.isEmpty)
        #expect(VIPAddresses.holders(of: vip6) == [interface])
        problems = await owner.hold([], of: [vip6], announceAll: false)
        #expect(problems.isEmpty)
        #expect(VIPAddresses.holders(of: vip6).isEmpty)
    }
}
