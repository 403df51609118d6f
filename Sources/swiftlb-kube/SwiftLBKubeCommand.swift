import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import SwiftLBCore
import SwiftLBKube

@main
struct SwiftLBKubeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swiftlb-kube",
        abstract: "The Kubernetes controller of SwiftLB: Services of type LoadBalancer become SwiftLB rules.",
        discussion: """
            Watches Services of type LoadBalancer of the served classes, their EndpointSlices and the \
            Nodes; gives each Service a VIP from the pools, writes it to the Service's status, and \
            programs the same rules on every SwiftLB instance. Flags and annotations are kube-loxilb's \
            (docs/kubernetes.md).
            """)

    @Option(
        name: [.customLong("swiftlbURL"), .customLong("loxiURL")],
        help: "SwiftLB API URLs, comma-separated; every rule goes to every one.")
    var swiftlbURL = "http://127.0.0.1:11111"

    @Option(name: .customLong("swiftlb-token-file"), help: "File holding the SwiftLB API token (admin scope).")
    var tokenFile: String?

    @Option(help: "Kubeconfig file (default: in-cluster service account, else $KUBECONFIG, else ~/.kube/config).")
    var kubeconfig: String?

    @Option(
        name: .customLong("cidrPools"), help: "IPv4 VIP pools: NAME=CIDR|START-END[,...]; the first is the default.")
    var cidrPools = ""

    @Option(name: .customLong("cidr6Pools"), help: "IPv6 VIP pools, as --cidrPools.")
    var cidr6Pools = ""

    @Option(name: .customLong("externalCIDR"), help: "kube-loxilb's single IPv4 pool (becomes pool defaultPool).")
    var externalCIDR = ""

    @Option(name: .customLong("externalCIDR6"), help: "kube-loxilb's single IPv6 pool (becomes pool defaultPool).")
    var externalCIDR6 = ""

    @Flag(name: .customLong("setUniqueIP"), help: "One VIP per Service (default: Services on other ports share one).")
    var uniqueIP = false

    @Option(name: .customLong("setLBMode"), help: "Default NAT mode: 0 default (DNAT), 1 onearm, 2 fullnat, 3 dsr.")
    var lbMode = 0

    @Flag(
        name: .customLong("usePodNetwork"), help: "Endpoints are ready pod IPs (default: ready nodes at the NodePort).")
    var usePodNetwork = false

    @Flag(name: .customLong("monitor"), help: "Probe the endpoints of every rule.")
    var monitor = false

    @Option(
        name: .customLong("setBGP"), help: "Local AS: configure BGP on every SwiftLB and peer the instances (iBGP).")
    var bgpAS = 0

    @Option(name: .customLong("listenBGPPort"), help: "BGP port of the instances (with --setBGP; default 179).")
    var bgpPort = 0

    @Option(name: .customLong("extBGPPeers"), help: "External BGP peers: IP:AS[,...] (with --setBGP).")
    var externalPeers = ""

    @Flag(name: .customLong("eBGPMultiHop"), help: "Allow the external BGP peers to be several hops away.")
    var multiHop = false

    @Option(name: .customLong("loadBalancerClass"), help: "Classes served, comma-separated.")
    var classes = "loxilb.io/loxilb,swiftlb.io/swiftlb"

    @Flag(name: .customLong("serve-classless"), help: "Also serve Services without spec.loadBalancerClass.")
    var serveClassless = false

    @Option(name: .customLong("resync-seconds"), help: "Seconds between full comparisons with each SwiftLB.")
    var resyncSeconds = 10

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning or error.")
    var logLevel = "info"

    func validate() throws {
        guard (0...3).contains(lbMode) else { throw ValidationError("--setLBMode must be 0, 1, 2 or 3") }
        guard (1...3600).contains(resyncSeconds) else { throw ValidationError("--resync-seconds must be 1...3600") }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level \(logLevel) is unknown")
        }
        guard bgpAS != 0 || (externalPeers.isEmpty && bgpPort == 0) else {
            throw ValidationError("--extBGPPeers and --listenBGPPort need --setBGP")
        }
        _ = try pools()
        _ = try urls()
        if bgpAS != 0 { _ = try mesh() }
    }

    func pools() throws -> [VIPPool] {
        var text = [cidrPools, cidr6Pools].filter { !$0.isEmpty }
        for single in [externalCIDR, externalCIDR6] where !single.isEmpty { text.append("defaultPool=\(single)") }
        var pools: [VIPPool] = []
        for list in text {
            do { pools += try VIPPool.parseList(list) } catch { throw ValidationError(error.description) }
        }
        guard !pools.isEmpty else {
            throw ValidationError("no VIP pool: give --cidrPools (e.g. defaultPool=10.10.10.0/24) or --cidr6Pools")
        }
        return pools
    }

    func urls() throws -> [String] {
        let urls = swiftlbURL.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
        for url in urls {
            guard let parts = URLComponents(string: url), ["http", "https"].contains(parts.scheme ?? ""),
                parts.host?.isEmpty == false
            else { throw ValidationError("--swiftlbURL \"\(url)\" is not an http(s) URL") }
        }
        guard !urls.isEmpty else { throw ValidationError("--swiftlbURL names no SwiftLB") }
        return urls
    }

    func mesh() throws -> BGPMesh {
        do {
            return try BGPMesh(localAS: bgpAS, listenPort: bgpPort, externalPeers: externalPeers, multiHop: multiHop)
        } catch { throw ValidationError(error.description) }
    }

    func run() async throws {
        var configured = Logger(label: "swiftlb-kube")
        configured.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let logger = configured
        let resync = Duration.seconds(resyncSeconds)
        let token = try tokenFile.map { path in
            do {
                return try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            } catch { throw ValidationError("cannot read --swiftlb-token-file \(path): \(error.localizedDescription)") }
        }
        let config: KubeConfig
        do { config = try KubeConfig.resolve(explicitPath: kubeconfig) } catch {
            throw ValidationError("\(error)")
        }
        let kube = try KubeClient(config: config, logger: logger)
        // An instance that is down must not hold up its catch-up beyond the next resync once it
        // is back: a short connect timeout (the default waits 10 s), and no retrying of refused
        // connections inside the client, whose backoff grows with the outage (up to 60 s) and
        // would outlast it. InstanceSync retries on its own, at most --resync-seconds apart.
        var httpConfiguration = HTTPClient.Configuration(timeout: .init(connect: .seconds(2), read: .seconds(30)))
        httpConfiguration.connectionPool.retryConnectionEstablishment = false
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfiguration)
        let apis = try urls().map { SwiftLBAPIClient(baseURL: $0, token: token, http: http) }
        let mesh = bgpAS == 0 ? nil : try mesh()
        let refusals = RefusalRelay()
        let instances = apis.map { api in
            InstanceSync(
                api: api, logger: logger,
                setup: { instance throws(SwiftLBAPIClient.CallError) in
                    try await mesh?.configure(instance, among: apis)
                },
                refused: { name, message in await refusals.relay(name, message) })
        }
        let pools = try pools()
        var classSet = Set(classes.split(separator: ",").map(String.init))
        if serveClassless { classSet.insert("") }
        let controller = KubeController(
            settings: .init(
                classes: classSet,
                defaults: .init(
                    mode: NATMode(rawValue: lbMode) ?? .dnat, monitor: monitor, usePodNetwork: usePodNetwork),
                builder: RuleBuilder(bgp: mesh != nil)),
            ipam: IPAM(pools: pools, unique: uniqueIP), writer: KubeClusterWriter(client: kube, logger: logger),
            instances: instances, logger: logger)
        await refusals.attach(controller)
        logger.info(
            "starting",
            metadata: [
                "instances": "\(apis.map(\.baseURL))", "classes": "\(classSet.sorted())",
                "pools": "\(pools.map(\.description))", "unique": "\(uniqueIP)",
            ])
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await controller.run() }
            group.addTask { await KubeSource(client: kube, controller: controller, logger: logger).run() }
            for instance in instances {
                group.addTask { await instance.run(resync: resync) }
            }
            group.addTask { await Self.waitForSignal() }
            // The first task to end is the signal: stop the rest.
            await group.next()
            group.cancelAll()
        }
        logger.info("stopping")
        await kube.shutdown()
        try await http.shutdown()
    }

    /// Returns on SIGTERM or SIGINT.
    static func waitForSignal() async {
        let (stream, continuation) = AsyncStream<Int32>.makeStream()
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGTERM, SIGINT] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number)
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            sources.append(source)
        }
        for await _ in stream { break }
        sources.forEach { $0.cancel() }
    }
}

/// Hands an instance's refusals to the controller created after the instances.
actor RefusalRelay {
    private var controller: KubeController?
    func attach(_ controller: KubeController) { self.controller = controller }
    func relay(_ name: String, _ message: String) async { await controller?.ruleRefused(name: name, message: message) }
}
