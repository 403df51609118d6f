import Foundation
import SwiftLBCore

/// loxicmd's saved configuration files (what `loxicmd save` writes and loxilb reads at start):
/// `lbconfig.txt` is `{"lbAttr": [...]}`, `FWconfig.txt` is `{"fwAttr": [...]}` and
/// `EPconfig.txt` is `{"Attr": [...]}` and `Polconfig.txt` (the file loxicmd's `get policy`
/// writes) is `{"polAttr": [...]}`, each one compact JSON object. loxicmd saves no mirrors;
/// SwiftLB's `MIRRconfig.txt` is `{"mirrAttr": [...]}` in the same style. GTP-U sessions go to
/// loxicmd's `sessionconfig.txt` (`{"sessionAttr": [...]}`) and their uplink classifiers to
/// `sessionulclconfig.txt` (`{"ulclAttr": [...]}`).
public enum SavedConfigFile: String, CaseIterable, Sendable {
    /// Load-balancer rules.
    case loadBalancer = "lbconfig.txt"
    /// Firewall rules.
    case firewall = "FWconfig.txt"
    /// Monitored endpoints.
    case endpoint = "EPconfig.txt"
    /// QoS policies.
    case policy = "Polconfig.txt"
    /// Mirrors (SwiftLB's file).
    case mirror = "MIRRconfig.txt"
    /// GTP-U sessions.
    case session = "sessionconfig.txt"
    /// Uplink classifiers of the sessions.
    case sessionClassifier = "sessionulclconfig.txt"

    /// The GET whose answer the file is made from.
    var sourcePath: String {
        switch self {
        case .loadBalancer: LoadBalancerPaths.all
        case .firewall: FirewallPaths.all
        case .endpoint: EndpointPaths.all
        case .policy: PolicyPaths.all
        case .mirror: MirrorPaths.all
        case .session: SessionPaths.all
        case .sessionClassifier: SessionPaths.allClassifiers
        }
    }

    /// The file's content for the API's GET answer `body`. As loxicmd does, rules the daemon
    /// makes itself (managed, SNAT) are left out and live counters are cleared.
    func content(fromAnswer body: Data) throws(CLIError) -> Data {
        do {
            switch self {
            case .loadBalancer:
                var list = try LoxiJSON.decode(LoadBalancerList.self, from: body)
                list.lbAttr = list.lbAttr.filter { !$0.serviceArguments.managed && !$0.serviceArguments.snat }
                    .map(\.withoutLiveState)
                return LoxiJSON.encode(list)
            case .firewall:
                var list = try LoxiJSON.decode(FirewallList.self, from: body)
                for index in list.fwAttr.indices { list.fwAttr[index].opts.counter = "" }
                return LoxiJSON.encode(list)
            case .endpoint:
                let list = try LoxiJSON.decode(EndPointList.self, from: body)
                return LoxiJSON.encode(SavedEndpoints(Attr: list.Attr.map(\.configuration)))
            case .policy:
                var list = try LoxiJSON.decode(PolicyList.self, from: body)
                for index in list.polAttr.indices { list.polAttr[index].policyStats = nil }
                return LoxiJSON.encode(list)
            case .mirror:
                let list = try LoxiJSON.decode(MirrorList.self, from: body)
                return LoxiJSON.encode(MirrorList(mirrAttr: list.mirrAttr.map(\.configuration)))
            case .session:
                let list = try LoxiJSON.decode(SessionList.self, from: body)
                return LoxiJSON.encode(SessionList(sessionAttr: list.sessionAttr.map(\.configuration)))
            case .sessionClassifier:
                return LoxiJSON.encode(try LoxiJSON.decode(SessionUlClList.self, from: body))
            }
        } catch {
            throw .badResponse("GET \(sourcePath): \(error.message)")
        }
    }
}

/// `EPconfig.txt`: the endpoints' settings without their live state.
struct SavedEndpoints: Codable, Sendable {
    var Attr: [EndPointEntry]
}

extension LoadBalancerEntry {
    /// The rule as configured: endpoint counters and states cleared.
    var withoutLiveState: LoadBalancerEntry {
        var entry = self
        for index in entry.endpoints.indices {
            entry.endpoints[index].counter = ""
            entry.endpoints[index].state = ""
        }
        return entry
    }
}

extension SessionEntry {
    /// The session as a POST takes it: SwiftLB's counters left out.
    var configuration: SessionEntry {
        var entry = self
        entry.uplinkCounter = nil
        entry.downlinkCounter = nil
        return entry
    }
}

extension EndPointGetEntry {
    /// The settings a POST takes.
    var configuration: EndPointEntry {
        EndPointEntry(
            hostName: hostName, name: name, inactiveReTries: inactiveReTries, probeType: probeType,
            probeReq: probeReq, probeResp: probeResp, probeDuration: probeDuration, probePort: probePort)
    }
}
