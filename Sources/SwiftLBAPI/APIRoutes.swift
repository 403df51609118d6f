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
/// Each feature in `features` drives its loxilb paths (BGP `/config/bgp/...`, `/config/bfd`,
/// `/config/cistate`, firewall, sessions, policies, mirrors) and adds its state to `/metrics`; an
/// absent one's paths answer 503.
public func makeRouter(
    store: RuleStore, version: VersionInfo, access: APIAccess = APIAccess(tokens: nil),
    features: APIFeatures = APIFeatures()
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
    let table = routeTable(store: store, version: version, access: access, features: features)
    for route in table {
        router.on(RouterPath(route.path), method: route.method, use: route.handler)
    }
    addMethodNotAllowed(to: router, for: table.map { ($0.path, $0.method) })
    return router
}

/// Every route `makeRouter` serves, in registration order (what `OpenAPIDocument` must describe).
func routeTable(
    store: RuleStore, version: VersionInfo, access: APIAccess = APIAccess(tokens: nil),
    features: APIFeatures = APIFeatures()
) -> [(path: String, method: HTTPRequest.Method, handler: Handler)] {
    let handlers = LoadBalancerHandlers(store: store, versionInfo: version, bgpEnabled: features.bgp != nil)
    let metrics = MetricsHandler(store: store, features: features)
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
    table += BGPHandlers(bgp: features.bgp).routes
    table += BFDHandlers(bfd: features.bfd).routes
    table += HAHandlers(ha: features.ha).routes
    table += AuthHandlers(access: access).routes
    table += ConfigFileHandlers(store: store, version: version.version, firewall: features.firewall).routes
    table += FirewallHandlers(firewall: features.firewall).routes
    table += SessionHandlers(sessions: features.sessions).routes
    table += PolicyHandlers(policies: features.policies).routes
    table += MirrorHandlers(mirrors: features.mirrors).routes
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
