import BPFLoader
import Foundation
import Testing

/// The kernel announces link and address changes to `InterfaceEvents`: what lets the daemon
/// attach to a new interface without polling. Runs in the fixture namespace (root), where it
/// adds and removes a veth pair of its own.
@Suite(.enabled(if: Fixture.enabled, "needs the fixture network namespace (root)"), .serialized)
struct InterfaceEventsTests {
    /// Runs ip(8); its exit status.
    @discardableResult
    static func ip(_ arguments: String...) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test("a new interface, an address and a removal are each announced; silence is not")
    func linkAndAddressChanges() throws {
        let events = try InterfaceEvents()
        #expect(events.wait(timeoutMilliseconds: 100) == false)
        #expect(try Self.ip("link", "add", "slbev0", "type", "veth", "peer", "name", "slbev1") == 0)
        defer { _ = try? Self.ip("link", "del", "slbev0") }  // when an expectation below failed
        #expect(events.wait(timeoutMilliseconds: 5000))
        // The burst of the pair's creation ends: a loaded machine may deliver its last messages
        // (operstate, IPv6 link-local) a little later, so wait for 100 ms of quiet, boundedly.
        var quiet = false
        for _ in 0..<50 where !quiet { quiet = !events.wait(timeoutMilliseconds: 100) }
        #expect(quiet)
        #expect(try Self.ip("addr", "add", "10.99.0.1/24", "dev", "slbev0") == 0)
        #expect(events.wait(timeoutMilliseconds: 5000))
        #expect(try Self.ip("link", "del", "slbev0") == 0)
        #expect(events.wait(timeoutMilliseconds: 5000))
    }
}
