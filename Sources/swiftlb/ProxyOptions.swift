import ArgumentParser
import NIOCore
import SwiftLBProxy

/// `swiftlb run`'s flags for the L7 proxy that serves fullproxy rules (docs/l7.md).
struct ProxyOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Certificates of https/e2ehttps rules, laid out as loxilb's: <dir>/<host>/server.crt and server.key (PEM) per virtual host, <dir>/server.crt and server.key for other server names. Changed files are picked up within a second.",
            valueName: "dir"))
    var proxyCertDir = "/opt/swiftlb/cert"

    @Option(
        help: ArgumentHelp(
            "CA certificate (PEM) that endpoints of e2ehttps (security 2) rules must present a certificate from; without it e2ehttps requests get 502.",
            valueName: "file"))
    var proxyEndpointCa: String?

    @Option(help: "Client connections the L7 proxy holds open at most; more are closed at accept.")
    var proxyMaxConnections = 10_000

    @Option(help: "Seconds a client has to send a request's header (slowloris protection).")
    var proxyHeaderTimeout = 10

    @Option(help: "Seconds after which an L7 proxy connection with no traffic is closed.")
    var proxyIdleTimeout = 60

    @Option(help: "Header fields (count) of one request at most; more gets 400.")
    var proxyMaxHeaders = 100

    @Option(help: "Event-loop threads of the L7 proxy (0: one per core).")
    var proxyThreads = 0

    func validate() throws {
        for (flag, value) in [
            ("--proxy-max-connections", proxyMaxConnections), ("--proxy-header-timeout", proxyHeaderTimeout),
            ("--proxy-idle-timeout", proxyIdleTimeout), ("--proxy-max-headers", proxyMaxHeaders),
        ] where value < 1 {
            throw ValidationError("\(flag) must be at least 1")
        }
        guard proxyThreads >= 0 else { throw ValidationError("--proxy-threads must not be negative") }
    }

    var settings: ProxyService.Settings {
        var settings = ProxyService.Settings()
        settings.certificateDirectory = proxyCertDir
        settings.endpointCAFile = proxyEndpointCa
        settings.threads = proxyThreads
        settings.limits.maxConnections = proxyMaxConnections
        settings.limits.requestHeaderTimeout = .seconds(Int64(proxyHeaderTimeout))
        settings.limits.idleTimeout = .seconds(Int64(proxyIdleTimeout))
        settings.limits.maxHeaderCount = proxyMaxHeaders
        return settings
    }
}
