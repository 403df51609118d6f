import SwiftLBCLI
import Testing

@Suite("delete lb")
struct DeleteCommandTests {
    static let prefix = "/netlox/v1/config/loadbalancer/hosturl/any/externalipaddress/"

    @Test("delete lb VIP --tcp=PORT uses loxicmd's exact URL")
    func loxicmdURL() async throws {
        let transport = FakeTransport(status: 204)
        let output = try await run(["delete", "lb", "20.20.20.1", "--tcp=2020"], transport: transport)
        #expect(
            await transport.requests == [
                APIRequest(
                    method: .delete,
                    path: DeleteCommandTests.prefix + "20.20.20.1/port/2020/portmax/0/protocol/tcp?bgp=false&block=0")
            ])
        #expect(output.lines == ["deleted lb 20.20.20.1:2020/tcp"])
    }

    @Test("ranges, several ports and protocols, bgp, mark and host")
    func variants() throws {
        let command = try #require(
            try parseCommand([
                "delete", "lb", "10.0.0.1", "--tcp=80-90,443", "--udp=53", "--icmp", "--bgp", "--mark=3",
                "--host=a.example/x",
            ]) as? DeleteLoadBalancer)
        let host = "/netlox/v1/config/loadbalancer/hosturl/a.example%2Fx/externalipaddress/10.0.0.1"
        #expect(
            try command.requests().map(\.path) == [
                host + "/port/80/portmax/90/protocol/tcp?bgp=true&block=3",
                host + "/port/443/portmax/0/protocol/tcp?bgp=true&block=3",
                host + "/port/53/portmax/0/protocol/udp?bgp=true&block=3",
                host + "/port/0/portmax/0/protocol/icmp?bgp=true&block=3",
            ])
    }

    @Test("delete lb --name=NAME")
    func byName() async throws {
        let transport = FakeTransport(status: 204)
        let output = try await run(["delete", "lb", "--name=http service"], transport: transport)
        #expect(
            await transport.requests == [
                APIRequest(method: .delete, path: "/netlox/v1/config/loadbalancer/name/http%20service")
            ])
        #expect(output.lines == ["deleted lb http service"])
    }

    @Test("an IPv6 VIP stays readable in the path")
    func ipv6() throws {
        let command = try #require(try parseCommand(["delete", "lb", "2001::1", "--udp=53"]) as? DeleteLoadBalancer)
        #expect(
            try command.requests().map(\.path) == [
                DeleteCommandTests.prefix + "2001::1/port/53/portmax/0/protocol/udp?bgp=false&block=0"
            ])
    }

    static let badInput: [(arguments: [String], message: String)] = [
        (["delete", "lb", "10.0.0.1"], "delete lb needs at least one of --tcp, --udp, --sctp or --icmp (or --name)"),
        (["delete", "lb", "--tcp=80"], "delete lb needs the VIP (delete lb VIP --tcp=PORT) or --name=NAME"),
        (["delete", "lb", "10.0.0.1", "--tcp=http"], "port 'http' is not a port (0-65535) or a range like 8080-8081"),
        (["delete", "lb", "vip", "--tcp=80"], "external IP 'vip' is not an IPv4 or IPv6 address"),
        (["delete", "lb", "--name", ""], "--name must not be empty"),
    ]

    @Test("unparsable input is refused locally", arguments: badInput)
    func refusedLocally(_ arguments: [String], _ message: String) async throws {
        let transport = FakeTransport()
        #expect(try await failure(arguments, transport: transport) == .invalidInput(message))
        #expect(await transport.requests.isEmpty)
    }

    @Test("a 404 from the server is an error with its message")
    func notFound() async throws {
        let transport = FakeTransport(status: 404, body: #"{"code":404,"message":"no load-balancer rule named x"}"#)
        let error = try await failure(["delete", "lb", "--name=x"], transport: transport)
        #expect(error == .server(status: 404, message: "no load-balancer rule named x", fields: []))
    }
}
