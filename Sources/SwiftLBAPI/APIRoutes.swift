import Hummingbird
import Logging
import SwiftLBCore

/// The loxilb REST paths SwiftLB serves, under `/netlox/v1`, and the methods each accepts.
enum APIRoutes {
    /// The API's base path.
    static let base = "/netlox/v1"
    /// The readiness probe, open without a token.
    static let readyPath = base + "/status/ready"
    /// Larger request bodies are refused with 413.
    static let maxBodySize = 1 << 20
    /// An imported configuration may be larger: 10,000 rules take about 3 MiB.
    static let maxImportSize = 64 << 20

    /// The loxilb DELETE forms that name a service, relative to `/config/loadbalancer`.
    static let serviceDeletePaths = [
        "externalipaddress/:ip_address/port/:port/protocol/:proto",
        "externalipaddress/:ip_address/port/:port/portmax/:portmax/protocol/:proto",
        "hosturl/:hosturl/externalipaddress/:ip_address/port/:port/portmax/:portmax/protocol/:proto",
        "hosturl/:hosturl/externalipaddress/:ip_address/port/:port/protocol/:proto",
    ]

    /// Methods answered 405 (rather than 404) on a known path that does not serve them.
    /// (QUERY is the IETF's safe method with a body, draft-ietf-httpbis-safe-method-w-body.)
    static let knownMethods: [HTTPRequest.Method] = [
        .get, .head, .post, .put, .delete, .patch, .options, .trace, HTTPRequest.Method("QUERY")!,
    ]
}

/// Builds the router serving SwiftLB's loxilb-compatible REST API over `store`.
///
/// Every answer with a body is JSON, except `GET /metrics` (also `/netlox/v1/metrics`), which is
/// Prometheus text; errors are loxilb `ErrorModel`s (400 bad input naming the field, 404 unknown
/// rule or path, 405 wrong method, 409 conflict, 413 body over 1 MiB, 500 datapath or store
/// failure, 503 datapath unreadable). Each request is logged at debug level with method, path and
/// status.
///
/// With `bgp`, the loxilb BGP paths (`/config/bgp/global`, `/config/bgp/neigh`) drive it and
/// `/metrics` includes its state; without it they answer 503. The same for `bfd` and `/config/bfd`, and
/// `ha` and `/config/cistate`.
public func makeRouter(
    store: RuleStore, version: VersionInfo, bgp: (any BGPControl)? = nil, bfd: (any BFDControl)? = nil,
    ha: (any HAControl)? = nil, access: APIAccess = APIAccess(tokens: nil), firewall: FirewallStore? = nil,
    sessions: GTPSessionStore? = nil, mirrors: MirrorStore? = nil, extraMetrics: (@Sendable () -> String)? = nil,
    policies: PolicyStore? = nil
) -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    // Middleware applies only to routes added after it, so it goes first; errors of the auth and
    // content-type checks become JSON answers like every other error.
    router.add(middleware: RequestLogMiddleware())
    router.add(middleware: ErrorMiddleware())
    router.add(middleware: AuthMiddleware(access: access))
    // loxilb's clients upload an import as a form; a form needs the token, so only with tokens on.
    router.add(
        middleware: JSONContentTypeMiddleware(formPaths: access.isOpen ? [] : [ConfigFileHandlers.importPath]))
    let table = routeTable(
        store: store, version: version, bgp: bgp, bfd: bfd, ha: ha, access: access, firewall: firewall,
        sessions: sessions, mirrors: mirrors, extraMetrics: extraMetrics, policies: policies)
    for route in table {
        router.on(RouterPath(route.path), method: route.method, use: route.handler)
    }
    addMethodNotAllowed(to: router, for: table.map { ($0.path, $0.method) })
    return router
}

/// Every route `makeRouter` serves, in registration order (what `OpenAPIDocument` must describe).
func routeTable(
    store: RuleStore, version: VersionInfo, bgp: (any BGPControl)?, bfd: (any BFDControl)? = nil,
    ha: (any HAControl)? = nil, access: APIAccess = APIAccess(tokens: nil), firewall: FirewallStore? = nil,
    sessions: GTPSessionStore? = nil, mirrors: MirrorStore? = nil, extraMetrics: (@Sendable () -> String)? = nil,
    policies: PolicyStore? = nil
) -> [(path: String, method: HTTPRequest.Method, handler: Handler)] {
    let handlers = LoadBalancerHandlers(store: store, versionInfo: version, bgpEnabled: bgp != nil)
    var metrics = MetricsHandler(
        store: store, bgp: bgp, ha: ha, firewall: firewall, sessions: sessions, mirrors: mirrors, extra: extraMetrics)
    metrics.policies = policies
    let lb = APIRoutes.base + "/config/loadbalancer"
    var table: [(path: String, method: HTTPRequest.Method, handler: Handler)] = [
        (lb, .post, handlers.create),
        (lb + "/all", .get, handlers.list),
        (lb + "/all", .delete, handlers.deleteAll),
        (lb + "/name/:lb_name", .delete, handlers.deleteByName),
        (APIRoutes.base + "/config/conntrack/all", .get, handlers.connections),
        (APIRoutes.base + "/version", .get, handlers.version),
        (APIRoutes.readyPath, .get, handlers.ready),
        (APIRoutes.base + "/openapi.json", .get, OpenAPIDocument.serve),
        ("/metrics", .get, metrics.handle),
        (APIRoutes.base + "/metrics", .get, metrics.handle),
    ]
    table += APIRoutes.serviceDeletePaths.map { (lb + "/" + $0, .delete, handlers.deleteService) }
    let endpoints = EndpointHandlers(store: store)
    let ep = APIRoutes.base + "/config/endpoint"
    table += [
        (ep, .post, endpoints.create), (ep + "/all", .get, endpoints.list),
        (ep + "/epipaddress/:ip_address", .delete, endpoints.delete),
        (APIRoutes.base + "/config/endpointhoststate", .post, endpoints.hostState),
    ]
    table += BGPHandlers(bgp: bgp).routes
    table += BFDHandlers(bfd: bfd).routes
    table += HAHandlers(ha: ha).routes
    table += AuthHandlers(access: access).routes
    table += ConfigFileHandlers(store: store, version: version.version, firewall: firewall).routes
    table += FirewallHandlers(firewall: firewall).routes
    table += SessionHandlers(sessions: sessions).routes
    table += PolicyHandlers(policies: policies).routes
    table += MirrorHandlers(mirrors: mirrors).routes
    return table
}

typealias Handler = @Sendable (Request, BasicRequestContext) async throws -> Response

/// Registers a 405 answer for every known method a path does not serve.
private func addMethodNotAllowed(
    to router: Router<BasicRequestContext>, for routes: [(path: String, method: HTTPRequest.Method)]
) {
    var served: [String: [HTTPRequest.Method]] = [:]
    var order: [String] = []
    for route in routes {
        if served[route.path] == nil { order.append(route.path) }
        served[route.path, default: []].append(route.method)
    }
    for path in order {
        let allowed = served[path] ?? []
        for method in APIRoutes.knownMethods where !allowed.contains(method) {
            router.on(RouterPath(path), method: method) { request, _ -> Response in
                throw MethodNotAllowed(method: request.method, path: request.uri.path, allowed: allowed)
            }
        }
    }
}
