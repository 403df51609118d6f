import Foundation
import SwiftLBCore
import Testing

@Suite("loxilb JSON")
struct LoxiJSONTests {
    static let fullEntry = LoadBalancerEntry(
        serviceArguments: ServiceArguments(
            externalIP: "10.0.0.1", privateIP: "192.168.1.1", port: 80, portMax: 81, protocol: "tcp", sel: 1,
            mode: 2, bgp: true, monitor: true, probetype: "http", probeport: 8080, probereq: "GET /",
            proberesp: "200", probeTimeout: 5, probeRetries: 3, inactiveTimeOut: 30, name: "web", snat: true,
            managed: true, security: 1, block: 7, oper: 1, host: "example.com/path", proxyprotocolv2: true,
            egress: true),
        endpoints: [LBEndpoint(endpointIP: "10.0.1.1", targetPort: 8080, weight: 3, state: "active", counter: "1:2")],
        secondaryIPs: [SecondaryIP(secondaryIP: "10.0.0.2")],
        allowedSources: [AllowedSource(prefix: "192.168.0.0/16")])

    @Test("an entry encodes every field under loxilb's exact key, sorted")
    func goldenEntry() {
        let expected = """
            {"allowedSources":[{"prefix":"192.168.0.0/16"}],"endpoints":[{"counter":"1:2","endpointIP":"10.0.1.1",\
            "state":"active","targetPort":8080,"weight":3}],"secondaryIPs":[{"secondaryIP":"10.0.0.2"}],\
            "serviceArguments":{"bgp":true,"block":7,"egress":true,"externalIP":"10.0.0.1","host":"example.com/path",\
            "inactiveTimeOut":30,"managed":true,"mode":2,"monitor":true,"name":"web","oper":1,"port":80,"portMax":81,\
            "privateIP":"192.168.1.1","probeRetries":3,"probeTimeout":5,"probeport":8080,"probereq":"GET /",\
            "proberesp":"200","probetype":"http","protocol":"tcp","proxyprotocolv2":true,"security":1,"sel":1,\
            "snat":true}}
            """
        #expect(String(decoding: LoxiJSON.encode(Self.fullEntry), as: UTF8.self) == expected)
    }

    @Test("a zero entry still encodes every field")
    func goldenZeroEntry() {
        let text = String(decoding: LoxiJSON.encode(LoadBalancerList(lbAttr: [LoadBalancerEntry()])), as: UTF8.self)
        #expect(
            text == """
                {"lbAttr":[{"allowedSources":[],"endpoints":[],"secondaryIPs":[],"serviceArguments":{"bgp":false,\
                "block":0,"egress":false,"externalIP":"","host":"","inactiveTimeOut":0,"managed":false,"mode":0,\
                "monitor":false,"name":"","oper":0,"port":0,"portMax":0,"privateIP":"","probeRetries":0,\
                "probeTimeout":0,"probeport":0,"probereq":"","proberesp":"","probetype":"","protocol":"",\
                "proxyprotocolv2":false,\
                "security":0,"sel":0,"snat":false}}]}
                """)
    }

    @Test("error, success and conntrack bodies use loxilb's keys")
    func goldenOtherModels() {
        let error = APIError.badRequest(field: "serviceArguments.port", message: "port 0 is out of range")
        #expect(
            String(decoding: LoxiJSON.encode(error.model), as: UTF8.self)
                == #"{"code":400,"details":"","fields":["serviceArguments.port"],"message":"port 0 is out of range","#
                + #""result":"port 0 is out of range","sub-code":0}"#)
        #expect(String(decoding: LoxiJSON.encode(PostSuccess()), as: UTF8.self) == #"{"result":"Success"}"#)
        let connection = ConntrackEntry(
            destinationIP: "10.0.0.1", sourceIP: "192.168.0.5", destinationPort: 80, sourcePort: 40000,
            protocol: "tcp", conntrackState: "est", ident: "", conntrackAct: "dnat-10.0.1.1:8080", packets: 10,
            bytes: 1200, servName: "web")
        #expect(
            String(decoding: LoxiJSON.encode(ConntrackList(ctAttr: [connection])), as: UTF8.self)
                == #"{"ctAttr":[{"bytes":1200,"conntrackAct":"dnat-10.0.1.1:8080","conntrackState":"est","#
                + #""destinationIP":"10.0.0.1","destinationPort":80,"ident":"","packets":10,"protocol":"tcp","#
                + #""servName":"web","sourceIP":"192.168.0.5","sourcePort":40000}]}"#)
    }

    @Test("SwiftLB's snatSources is written only when set, and read back")
    func snatSourcesExtension() throws(APIError) {
        var entry = Self.fullEntry
        entry.serviceArguments.snatSources = "10.9.0.0/28"
        let text = String(decoding: LoxiJSON.encode(entry), as: UTF8.self)
        #expect(text.contains(#""snat":true,"snatSources":"10.9.0.0/28"}"#))
        #expect(try LoxiJSON.decode(LoadBalancerEntry.self, from: LoxiJSON.encode(entry)) == entry)
        #expect(!String(decoding: LoxiJSON.encode(Self.fullEntry), as: UTF8.self).contains("snatSources"))
    }

    @Test("every model survives a round trip")
    func roundTrips() throws(APIError) {
        #expect(try LoxiJSON.decode(LoadBalancerEntry.self, from: LoxiJSON.encode(Self.fullEntry)) == Self.fullEntry)
        let list = LoadBalancerList(lbAttr: [Self.fullEntry, LoadBalancerEntry()])
        #expect(try LoxiJSON.decode(LoadBalancerList.self, from: LoxiJSON.encode(list)) == list)
        let conntrack = ConntrackList(ctAttr: [
            ConntrackEntry(
                destinationIP: "10.0.0.1", sourceIP: "1.1.1.1", destinationPort: 53, sourcePort: 5353,
                protocol: "udp", conntrackState: "est", ident: "x", conntrackAct: "dnat-10.0.1.1:53", packets: 1,
                bytes: 2, servName: "dns")
        ])
        #expect(try LoxiJSON.decode(ConntrackList.self, from: LoxiJSON.encode(conntrack)) == conntrack)
        let error = ErrorModel(code: 409, subCode: 7, message: "m", fields: ["a", "b"], details: "d", result: "r")
        #expect(try LoxiJSON.decode(ErrorModel.self, from: LoxiJSON.encode(error)) == error)
        #expect(try LoxiJSON.decode(PostSuccess.self, from: LoxiJSON.encode(PostSuccess())) == PostSuccess())
        for model in [SecondaryIP(secondaryIP: "10.0.0.9")] {
            #expect(try LoxiJSON.decode(SecondaryIP.self, from: LoxiJSON.encode(model)) == model)
        }
        let source = AllowedSource(prefix: "10.0.0.0/8")
        #expect(try LoxiJSON.decode(AllowedSource.self, from: LoxiJSON.encode(source)) == source)
        let endpoint = LBEndpoint(endpointIP: "10.0.1.2", targetPort: 1, weight: 2, state: "s", counter: "c")
        #expect(try LoxiJSON.decode(LBEndpoint.self, from: LoxiJSON.encode(endpoint)) == endpoint)
    }

    @Test("keys match case-insensitively and unknown keys are ignored, as loxicmd needs")
    func caseInsensitiveKeys() throws(APIError) {
        let body = """
            {"serviceArguments":{"EXTERNALIP":"10.0.0.1","Port":80,"Protocol":"TCP","BGP":true,"Monitor":true,
             "inactivetimeout":30,"PROXYPROTOCOLV2":true,"unknownField":{"nested":[1,2,{"x":null}]},"Sel":1},
             "Endpoints":[{"endpointip":"10.0.1.1","TargetPort":8080,"WEIGHT":2,"extra":null}],
             "SECONDARYIPS":[{"SecondaryIP":"10.0.0.2"}],"allowedsources":[{"Prefix":"10.0.0.0/8"}],"extraTop":"x"}
            """
        let entry = try LoxiJSON.decode(LoadBalancerEntry.self, from: Fixtures.json(body))
        let args = entry.serviceArguments
        #expect(args.externalIP == "10.0.0.1")
        #expect(args.port == 80)
        #expect(args.protocol == "TCP")
        #expect(args.bgp)
        #expect(args.monitor)
        #expect(args.inactiveTimeOut == 30)
        #expect(args.proxyprotocolv2)
        #expect(args.sel == 1)
        #expect(entry.endpoints == [LBEndpoint(endpointIP: "10.0.1.1", targetPort: 8080, weight: 2)])
        #expect(entry.secondaryIPs == [SecondaryIP(secondaryIP: "10.0.0.2")])
        #expect(entry.allowedSources == [AllowedSource(prefix: "10.0.0.0/8")])
        let error = try LoxiJSON.decode(ErrorModel.self, from: Fixtures.json(#"{"SUB-CODE":3,"Code":404}"#))
        #expect(error == ErrorModel(code: 404, subCode: 3))
    }

    @Test("an exact key wins over a case variant")
    func exactKeyWins() throws(APIError) {
        let entry = try LoxiJSON.decode(
            LoadBalancerEntry.self, from: Fixtures.json(#"{"serviceArguments":{"PORT":1,"port":2,"Port":3}}"#))
        #expect(entry.serviceArguments.port == 2)
    }

    @Test("missing keys and nulls give Go zero values")
    func nullsAndMissing() throws(APIError) {
        #expect(try LoxiJSON.decode(LoadBalancerEntry.self, from: Fixtures.json("{}")) == LoadBalancerEntry())
        let body = """
            {"serviceArguments":{"externalIP":null,"port":null,"bgp":null,"name":null},"endpoints":null,
             "secondaryIPs":null,"allowedSources":[null]}
            """
        let entry = try LoxiJSON.decode(LoadBalancerEntry.self, from: Fixtures.json(body))
        #expect(entry == LoadBalancerEntry(allowedSources: [AllowedSource()]))
        let nullArgs = try LoxiJSON.decode(LoadBalancerEntry.self, from: Fixtures.json(#"{"serviceArguments":null}"#))
        #expect(nullArgs == LoadBalancerEntry())
        #expect(try LoxiJSON.decode(LoadBalancerList.self, from: Fixtures.json(#"{"lbAttr":null}"#)).lbAttr == [])
    }

    @Test(
        "a value of the wrong type is a 400 naming the field",
        arguments: [
            (#"{"serviceArguments":{"port":"80"}}"#, "serviceArguments.port"),
            (#"{"serviceArguments":{"bgp":"true"}}"#, "serviceArguments.bgp"),
            (#"{"serviceArguments":{"externalIP":10}}"#, "serviceArguments.externalIP"),
            (#"{"serviceArguments":{"PORT":"80"}}"#, "serviceArguments.PORT"),
            (#"{"serviceArguments":{"port":1.5}}"#, "serviceArguments.port"),
            (#"{"serviceArguments":{"port":99999999999999999999999}}"#, "serviceArguments.port"),
            (#"{"endpoints":[{"weight":"1"}]}"#, "endpoints[0].weight"),
            (#"{"endpoints":[{"weight":1},{"targetPort":true}]}"#, "endpoints[1].targetPort"),
            (#"{"endpoints":{}}"#, "endpoints"),
            (#"{"serviceArguments":[]}"#, "serviceArguments"),
            (#"{"secondaryIPs":[{"secondaryIP":[]}]}"#, "secondaryIPs[0].secondaryIP"),
            ("[]", "body"), ("not json", "body"), ("", "body"), (#"{"serviceArguments":{"port":80}"#, "body"),
        ])
    func wrongTypes(body: String, field: String) {
        do {
            let entry = try LoxiJSON.decode(LoadBalancerEntry.self, from: Fixtures.json(body))
            Issue.record("decoded \(entry) instead of failing")
        } catch {
            #expect(error.status == 400)
            #expect(error.fields == [field])
            #expect(error.message.contains(field) || field == "body", "\(error.message)")
        }
    }

    @Test("APIError factories carry status, fields and a loxilb error body")
    func apiErrors() {
        #expect(APIError.badRequest(field: "f", message: "m") == APIError(status: 400, message: "m", fields: ["f"]))
        #expect(APIError.notFound("m").status == 404)
        #expect(APIError.conflict("m", fields: ["x"]).fields == ["x"])
        #expect(APIError.insufficientStorage("m").status == 507)
        #expect(APIError.internalError("m").status == 500)
        #expect(APIError.unavailable("m").status == 503)
        let model = APIError.conflict("already exists", fields: ["serviceArguments.name"]).model
        #expect(
            model
                == ErrorModel(
                    code: 409, subCode: 0, message: "already exists", fields: ["serviceArguments.name"], details: "",
                    result: "already exists"))
    }
}
