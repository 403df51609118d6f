import Foundation
import SwiftLBCLI
import SwiftLBCore
import Testing

@Suite("create lb")
struct CreateCommandTests {
    static let path = "/netlox/v1/config/loadbalancer"

    @Test("the README example becomes one POST with loxilb's JSON")
    func readmeExample() async throws {
        let transport = FakeTransport(status: 200, body: #"{"result":"Success"}"#)
        let output = try await run(
            [
                "create", "lb", "20.20.20.1", "--tcp=2020:8080", "--endpoints=31.31.31.1:1,32.32.32.1:2",
                "--mode=fullnat",
            ], transport: transport)
        let requests = await transport.requests
        #expect(requests.count == 1)
        let request = try #require(requests.first)
        #expect(request.method == .post)
        #expect(request.path == CreateCommandTests.path)
        #expect(
            try entry(request)
                == LoadBalancerEntry(
                    serviceArguments: ServiceArguments(
                        externalIP: "20.20.20.1", port: 2020, protocol: "tcp", sel: 0, mode: 2),
                    endpoints: [
                        LBEndpoint(endpointIP: "31.31.31.1", targetPort: 8080, weight: 1),
                        LBEndpoint(endpointIP: "32.32.32.1", targetPort: 8080, weight: 2),
                    ]))
        #expect(output.lines == ["created lb 20.20.20.1:2020/tcp"])
        #expect(output.errors.isEmpty)
    }

    @Test("the body uses loxilb's key names")
    func bodyKeys() throws {
        let command = try #require(
            try parseCommand(["create", "lb", "10.0.0.1", "--tcp=80:8080", "--endpoints=10.0.1.1"])
                as? CreateLoadBalancer)
        let body = String(decoding: try #require(try command.requests().first?.body), as: UTF8.self)
        for key in [
            #""serviceArguments":{"#, #""externalIP":"10.0.0.1""#, #""port":80"#, #""portMax":0"#,
            #""protocol":"tcp""#, #""endpoints":[{"#, #""endpointIP":"10.0.1.1""#, #""targetPort":8080"#,
            #""weight":1"#, #""secondaryIPs":[]"#, #""allowedSources":[]"#, #""inactiveTimeOut":0"#,
        ] {
            #expect(body.contains(key), "\(key) missing in \(body)")
        }
    }

    @Test("--tcp and --udp together send one request per protocol and port pair")
    func multiProtocol() async throws {
        let transport = FakeTransport()
        let output = try await run(
            [
                "create", "lb", "192.168.0.200", "--tcp=80:32015,443:32016", "--udp=53:5353", "--sctp=37412:38412",
                "--icmp", "--endpoints=10.212.0.1:1",
            ], transport: transport)
        let services = try await transport.requests.map { try entry($0).serviceArguments }
        #expect(services.map(\.protocol) == ["tcp", "tcp", "udp", "sctp", "icmp"])
        #expect(services.map(\.port) == [80, 443, 53, 37412, 0])
        #expect(
            output.lines == [
                "created lb 192.168.0.200:80/tcp", "created lb 192.168.0.200:443/tcp",
                "created lb 192.168.0.200:53/udp", "created lb 192.168.0.200:37412/sctp",
                "created lb 192.168.0.200/icmp",
            ])
    }

    @Test("port and target ranges follow loxicmd")
    func ranges() async throws {
        let transport = FakeTransport()
        try await run(
            [
                "create", "lb", "10.0.0.1", "--tcp=8080-8081:32015", "--udp=5000:5201-5202",
                "--endpoints=10.0.1.1:1,10.0.1.2:2",
            ], transport: transport)
        let entries = try await transport.requests.map(entry)
        #expect(entries[0].serviceArguments.port == 8080)
        #expect(entries[0].serviceArguments.portMax == 8081)
        #expect(entries[0].endpoints.map(\.targetPort) == [32015, 32015])
        #expect(entries[1].serviceArguments.portMax == 0)
        #expect(
            entries[1].endpoints == [
                LBEndpoint(endpointIP: "10.0.1.1", targetPort: 5201, weight: 1),
                LBEndpoint(endpointIP: "10.0.1.1", targetPort: 5202, weight: 1),
                LBEndpoint(endpointIP: "10.0.1.2", targetPort: 5201, weight: 2),
                LBEndpoint(endpointIP: "10.0.1.2", targetPort: 5202, weight: 2),
            ])
    }

    @Test("every loxicmd flag maps to its loxilb field")
    func allFlags() async throws {
        let transport = FakeTransport()
        try await run(
            [
                "create", "lb", "2001::1", "--sctp=2020:8080", "--endpoints=4ffe::1:1", "--select=hash",
                "--mode=dsr", "--inatimeout=30", "--name=svc", "--bgp", "--monitor", "--secips=2001::2,2001::3",
                "--sources=10.0.0.0/8", "--mark=7", "--attachEP", "--security=e2ehttps", "--host=example.com",
                "--ppv2en", "--egress", "--probetype=http", "--probeport=8081", "--probereq=/health",
                "--proberesp=ok", "--probetimeout=3", "--proberetries=2",
            ], transport: transport)
        let sent = try #require(try await transport.requests.first.map(entry))
        #expect(
            sent.serviceArguments
                == ServiceArguments(
                    externalIP: "2001::1", port: 2020, protocol: "sctp", sel: 1, mode: 3, bgp: true, monitor: true,
                    probetype: "http", probeport: 8081, probereq: "/health", proberesp: "ok", probeTimeout: 3,
                    probeRetries: 2, inactiveTimeOut: 30, name: "svc", security: 2, block: 7, oper: 1,
                    host: "example.com", proxyprotocolv2: true, egress: true))
        #expect(sent.endpoints == [LBEndpoint(endpointIP: "4ffe::1", targetPort: 8080, weight: 1)])
        #expect(sent.secondaryIPs == [SecondaryIP(secondaryIP: "2001::2"), SecondaryIP(secondaryIP: "2001::3")])
        #expect(sent.allowedSources == [AllowedSource(prefix: "10.0.0.0/8")])
    }

    @Test("--snat-sources is SwiftLB's snatSources")
    func snatSources() throws {
        let command = try #require(
            try parseCommand([
                "create", "lb", "10.0.0.1", "--tcp=80:8080", "--endpoints=10.0.1.1", "--mode=fullnat",
                "--snat-sources=10.9.0.0/28",
            ]) as? CreateLoadBalancer)
        let request = try #require(try command.requests().first)
        let arguments = try entry(request).serviceArguments
        #expect(arguments.snatSources == "10.9.0.0/28" && arguments.mode == 2)
    }

    @Test("--detachEP is oper 2")
    func detach() throws {
        let command = try #require(
            try parseCommand(["create", "lb", "10.0.0.1", "--tcp=80:80", "--endpoints=10.0.1.1", "--detachEP"])
                as? CreateLoadBalancer)
        let request = try #require(try command.requests().first)
        #expect(try entry(request).serviceArguments.oper == 2)
    }

    static let badInput: [(arguments: [String], message: String)] = [
        (["--tcp=80:8080"], "create lb needs --endpoints=IP:WEIGHT,... (e.g. --endpoints=10.0.0.1:1,10.0.0.2:1)"),
        (["--endpoints=10.0.1.1"], "create lb needs at least one of --tcp, --udp, --sctp or --icmp"),
        (
            ["--tcp=80", "--endpoints=10.0.1.1"],
            "port pair '80' must be PORTS:TARGETPORTS, e.g. 80:8080 or 8080-8081:32015"
        ),
        (["--tcp=80:80", "--endpoints=10.0.1.1:x"], "endpoint '10.0.1.1:x': weight 'x' is not a number 0-255"),
        (
            ["--tcp=80:80", "--endpoints=10.0.1.1", "--select=random"],
            "--select 'random' is not one of rr, hash, priority, persist, lc, n2, n3"
        ),
        (
            ["--tcp=80:80", "--endpoints=10.0.1.1", "--mode=nat"],
            "--mode 'nat' is not one of default, onearm, fullnat, dsr, fullproxy, hostonearm"
        ),
        (
            ["--tcp=80:80", "--endpoints=10.0.1.1", "--security=ssl"],
            "--security 'ssl' is not one of https, e2ehttps, none"
        ),
        (
            ["--tcp=80:80", "--endpoints=10.0.1.1", "--attachEP", "--detachEP"],
            "--attachEP and --detachEP cannot be given together"
        ),
        (["--tcp=80:80", "--endpoints=10.0.1.1", "--mark=-1"], "--mark must not be negative, not -1"),
    ]

    @Test("unparsable input is refused locally, before any request", arguments: badInput)
    func refusedLocally(_ arguments: [String], _ message: String) async throws {
        let transport = FakeTransport()
        let error = try await failure(["create", "lb", "10.0.0.1"] + arguments, transport: transport)
        #expect(error == .invalidInput(message))
        #expect(await transport.requests.isEmpty)
    }

    @Test("a bad VIP is refused locally")
    func badVIP() async throws {
        let error = try await failure(["create", "lb", "10.0.0", "--tcp=80:80", "--endpoints=10.0.1.1"])
        #expect(error == .invalidInput("external IP '10.0.0' is not an IPv4 or IPv6 address"))
    }

    @Test("the server's refusal stops at the first failing request and carries its message")
    func serverRefusal() async throws {
        let model =
            #"{"code":400,"sub-code":0,"message":"mode dsr is not supported yet; use 0 (default)","#
            + #""fields":["serviceArguments.mode"],"details":"","result":"x"}"#
        let transport = FakeTransport(status: 400, body: model)
        let error = try await failure(
            ["create", "lb", "10.0.0.1", "--tcp=80:80", "--udp=53:53", "--endpoints=10.0.1.1", "--mode=dsr"],
            transport: transport)
        #expect(
            error
                == .server(
                    status: 400, message: "mode dsr is not supported yet; use 0 (default)",
                    fields: ["serviceArguments.mode"]))
        #expect(
            error.description
                == "mode dsr is not supported yet; use 0 (default) (fields: serviceArguments.mode)")
        #expect(await transport.requests.count == 1)
    }
}
