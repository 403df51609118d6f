import Foundation
import SwiftLBCore

/// One object `apply` creates: the POST, the DELETE that takes it back if a later one fails, and a
/// label for messages.
public struct ApplyStep: Equatable, Sendable {
    /// The POST that creates the object.
    public var create: APIRequest
    /// The DELETE that removes it again.
    public var undo: APIRequest
    /// "lb 20.20.20.1:2020/tcp", for messages.
    public var label: String

    /// A load-balancer rule.
    static func loadBalancer(_ entry: LoadBalancerEntry) -> ApplyStep {
        let service = entry.serviceArguments
        let undo =
            service.name.isEmpty
            ? LoadBalancerPaths.byService(
                externalIP: service.externalIP, port: service.port, portMax: service.portMax,
                protocol: service.protocol, host: service.host, bgp: service.bgp, block: service.block)
            : LoadBalancerPaths.byName(service.name)
        return ApplyStep(
            create: APIRequest(
                method: .post, path: LoadBalancerPaths.create, body: LoxiJSON.encode(entry.withoutLiveState)),
            undo: APIRequest(method: .delete, path: undo),
            label: "lb \(service.externalIP):\(service.port)/\(service.protocol)")
    }

    /// A monitored endpoint.
    static func endpoint(_ entry: EndPointEntry) -> ApplyStep {
        ApplyStep(
            create: APIRequest(method: .post, path: EndpointPaths.create, body: LoxiJSON.encode(entry)),
            undo: APIRequest(
                method: .delete,
                path: EndpointPaths.delete(
                    host: entry.hostName, name: entry.name, probeType: entry.probeType, port: entry.probePort)),
            label: "endpoint \(entry.hostName)")
    }

    /// A firewall rule.
    static func firewall(_ entry: FirewallEntry) -> ApplyStep {
        var entry = entry
        entry.opts.counter = ""
        let rule = entry.ruleArguments
        return ApplyStep(
            create: APIRequest(method: .post, path: FirewallPaths.create, body: LoxiJSON.encode(entry)),
            undo: APIRequest(method: .delete, path: FirewallPaths.delete(rule)),
            label: "firewall \(rule.sourceIP)->\(rule.destinationIP) preference \(rule.preference)")
    }

    /// A QoS policy.
    static func policy(_ entry: PolicyEntry) -> ApplyStep {
        var entry = entry
        entry.policyStats = nil
        return ApplyStep(
            create: APIRequest(method: .post, path: PolicyPaths.create, body: LoxiJSON.encode(entry)),
            undo: APIRequest(method: .delete, path: PolicyPaths.delete(ident: entry.policyIdent)),
            label: "policy \(entry.policyIdent)")
    }

    /// A mirror.
    static func mirror(_ entry: MirrorEntry) -> ApplyStep {
        ApplyStep(
            create: APIRequest(method: .post, path: MirrorPaths.create, body: LoxiJSON.encode(entry.configuration)),
            undo: APIRequest(method: .delete, path: MirrorPaths.delete(entry.mirrorIdent)),
            label: "mirror \(entry.mirrorIdent)")
    }

    /// A GTP-U session.
    static func session(_ entry: SessionEntry) -> ApplyStep {
        ApplyStep(
            create: APIRequest(method: .post, path: SessionPaths.create, body: LoxiJSON.encode(entry.configuration)),
            undo: APIRequest(method: .delete, path: SessionPaths.delete(ident: entry.ident)),
            label: "session \(entry.ident)")
    }

    /// An uplink classifier; `apply` sends it after the sessions.
    static func sessionClassifier(_ entry: SessionUlClEntry) -> ApplyStep {
        ApplyStep(
            create: APIRequest(method: .post, path: SessionPaths.createClassifier, body: LoxiJSON.encode(entry)),
            undo: APIRequest(
                method: .delete,
                path: SessionPaths.deleteClassifier(ident: entry.ulclIdent, address: entry.ulclArgument.ulclIP)),
            label: "sessionulcl \(entry.ulclIdent) \(entry.ulclArgument.ulclIP)")
    }
}
