import SwiftLBCore
import Testing

@testable import SwiftLBKube

@Suite("Service annotations with kube-loxilb's names")
struct ServiceOptionsTests {
    @Test("every supported annotation is read")
    func supported() {
        let options = ServiceOptions(
            annotations: [
                "loxilb.io/lbmode": "fullnat", "loxilb.io/epselect": "hash", "loxilb.io/liveness": "yes",
                "loxilb.io/probetype": "http", "loxilb.io/probeport": "8080", "loxilb.io/probereq": "/healthz",
                "loxilb.io/proberesp": "ok", "loxilb.io/probetimeout": "3", "loxilb.io/proberetries": "2",
                "loxilb.io/timeout": "600", "loxilb.io/secondaryIPs": "10.1.1.1,10.1.1.2",
                "loxilb.io/nodelabel": "edge=yes", "loxilb.io/usepodnetwork": "yes", "loxilb.io/staticIP": "10.9.0.1",
                "loxilb.io/poolSelect": "pool2", "loxilb.io/ipam": "ipv6to4", "app.kubernetes.io/name": "ignored",
            ], defaults: .init())
        #expect(options.mode == .fullNAT)
        #expect(options.selection == .hash)
        #expect(options.liveness)
        #expect(options.probeType == "http" && options.probePort == 8080 && options.probeRequest == "/healthz")
        #expect(options.probeResponse == "ok" && options.probeTimeout == 3 && options.probeRetries == 2)
        #expect(options.timeout == 600)
        #expect(options.secondaryIPs == ["10.1.1.1", "10.1.1.2"])
        #expect(options.nodeLabel == .init(key: "edge", value: "yes"))
        #expect(options.usePodNetwork)
        #expect(options.staticIPs.map(\.description) == ["10.9.0.1"])
        #expect(options.pool == "pool2")
        #expect(options.addressing == .ipv6to4)
        #expect(options.warnings.isEmpty)
    }

    @Test("defaults come from the flags; annotations override them")
    func defaults() {
        let flags = ServiceOptions.Defaults(mode: .oneArm, monitor: true, usePodNetwork: true)
        let plain = ServiceOptions(annotations: [:], defaults: flags)
        #expect(plain.mode == .oneArm && plain.liveness && plain.usePodNetwork && plain.selection == .roundRobin)
        let overridden = ServiceOptions(
            annotations: ["loxilb.io/lbmode": "default", "loxilb.io/liveness": "no", "loxilb.io/usepodnetwork": "no"],
            defaults: flags)
        #expect(overridden.mode == .dnat && !overridden.liveness && !overridden.usePodNetwork)
    }

    @Test("values SwiftLB cannot honour, and unknown loxilb.io annotations, become warnings naming them")
    func warnings() {
        let options = ServiceOptions(
            annotations: [
                "loxilb.io/lbmode": "fullproxy", "loxilb.io/epselect": "n2", "loxilb.io/probeport": "http",
                "loxilb.io/liveness": "maybe", "loxilb.io/staticIP": "10.0.0.300", "loxilb.io/zoneselect": "z1",
                "loxilb.io/ipam": "ipv5",
            ], defaults: .init(mode: .fullNAT))
        #expect(options.mode == .fullNAT)
        #expect(options.selection == .roundRobin)
        #expect(options.probePort == 0 && !options.liveness && options.staticIPs.isEmpty && options.addressing == nil)
        #expect(options.warnings.count == 7)
        for name in ["lbmode", "epselect", "probeport", "liveness", "staticIP", "zoneselect", "ipam"] {
            #expect(options.warnings.contains { $0.contains("loxilb.io/\(name)") }, "no warning names \(name)")
        }
    }

    @Test("probe details without a probe type are dropped, as kube-loxilb does")
    func probeDetails() {
        let options = ServiceOptions(
            annotations: ["loxilb.io/probeport": "9000", "loxilb.io/probereq": "x"], defaults: .init())
        #expect(options.probePort == 0 && options.probeRequest.isEmpty)
    }
}
