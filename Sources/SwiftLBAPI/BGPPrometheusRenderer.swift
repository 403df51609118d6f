import SwiftLBCore

/// Renders the BGP subsystem's state in the Prometheus text format, appended to `/metrics` when the
/// daemon runs with `--bgp`.
///
/// Families: `swiftlb_bgp_gobgpd_up` (1 while gobgpd runs and answers), `swiftlb_bgp_gobgpd_starts_total`,
/// `swiftlb_bgp_advertised_routes`, `swiftlb_bgp_installed_routes`, and `swiftlb_bgp_neighbor_state`
/// with one sample per neighbor and state, 1 for the current state and 0 for the others (so that
/// `swiftlb_bgp_neighbor_state{state="established"} == 0` alerts on a lost session).
public struct BGPPrometheusRenderer: Sendable {
    /// The snapshot to render.
    public var metrics: BGPMetrics

    /// Creates a renderer.
    public init(metrics: BGPMetrics) {
        self.metrics = metrics
    }

    /// The exposition text (ends with a newline).
    public func render() -> String {
        var text = PrometheusText()
        text.family(
            "swiftlb_bgp_gobgpd_up", "gauge", "1 while gobgpd runs and answers its API, else 0.",
            ["swiftlb_bgp_gobgpd_up \(metrics.gobgpdUp ? 1 : 0)"])
        text.family(
            "swiftlb_bgp_gobgpd_starts_total", "counter", "Times gobgpd was started (restarts included).",
            ["swiftlb_bgp_gobgpd_starts_total \(metrics.gobgpdStarts)"])
        text.family(
            "swiftlb_bgp_advertised_routes", "gauge", "VIP routes announced to the BGP neighbors.",
            ["swiftlb_bgp_advertised_routes \(metrics.advertisedRoutes)"])
        text.family(
            "swiftlb_bgp_installed_routes", "gauge", "Routes learned over BGP and installed into the kernel.",
            ["swiftlb_bgp_installed_routes \(metrics.installedRoutes)"])
        let sessions = metrics.sessions.sorted { $0.address < $1.address }
        text.family(
            "swiftlb_bgp_neighbor_state", "gauge",
            "1 for the session state each BGP neighbor is in, 0 for the other states.",
            sessions.flatMap { session in
                BGPMetrics.sessionStates.map { state in
                    let neighbor = PrometheusRenderer.escapeLabelValue(session.address)
                    return "swiftlb_bgp_neighbor_state{neighbor=\"\(neighbor)\",state=\"\(state)\"} "
                        + "\(session.state == state ? 1 : 0)"
                }
            })
        return text.text
    }
}
