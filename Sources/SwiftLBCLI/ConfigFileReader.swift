import Foundation
import SwiftLBCore
import Yams

/// Turns the files `apply` reads into the objects to create, all of them before anything is sent,
/// so that a bad file changes nothing.
///
/// Reads loxicmd's saved files (`lbconfig.txt`, `FWconfig.txt`, `EPconfig.txt`, `sessionconfig.txt`,
/// `sessionulclconfig.txt`: JSON) and its
/// Kubernetes-style files for `apply -f` (YAML or JSON with `kind` and `spec`, one object per
/// document).
public enum ConfigFileReader {
    /// The kinds of saved file `apply` takes by flag.
    public enum Kind: Sendable {
        /// `--lb`: `{"lbAttr": [...]}`.
        case loadBalancer
        /// `--firewall`: `{"fwAttr": [...]}`.
        case firewall
        /// `--endpoint`: `{"Attr": [...]}`.
        case endpoint
        /// `--policy`: `{"polAttr": [...]}`.
        case policy
        /// `--mirror`: `{"mirrAttr": [...]}`.
        case mirror
        /// `--session`: `{"sessionAttr": [...]}`.
        case session
        /// `--ulcl`: `{"ulclAttr": [...]}`.
        case sessionClassifier
    }

    /// The steps for the saved file `data` of `kind`; `name` is used in messages.
    public static func steps(savedFile data: Data, kind: Kind, name: String) throws(CLIError) -> [ApplyStep] {
        let key: String
        switch kind {
        case .loadBalancer: key = "lbAttr"
        case .firewall: key = "fwAttr"
        case .endpoint: key = "Attr"
        case .policy: key = "polAttr"
        case .mirror: key = "mirrAttr"
        case .session: key = "sessionAttr"
        case .sessionClassifier: key = "ulclAttr"
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw .invalidInput("\(name) is not a JSON object (a file written by save holds one)")
        }
        guard object.keys.contains(where: { $0.lowercased() == key.lowercased() }) else {
            throw .invalidInput("\(name) has no \"\(key)\" list; is it the right kind of file?")
        }
        do {
            switch kind {
            case .loadBalancer:
                return try LoxiJSON.decodeRequest(LoadBalancerList.self, from: data).lbAttr.map(ApplyStep.loadBalancer)
            case .firewall:
                return try LoxiJSON.decodeRequest(FirewallList.self, from: data).fwAttr.map(ApplyStep.firewall)
            case .endpoint:
                return try LoxiJSON.decodeRequest(SavedEndpoints.self, from: data).Attr.map(ApplyStep.endpoint)
            case .policy:
                return try LoxiJSON.decodeRequest(PolicyList.self, from: data).polAttr.map(ApplyStep.policy)
            case .mirror:
                return try LoxiJSON.decodeRequest(MirrorList.self, from: data).mirrAttr.map(ApplyStep.mirror)
            case .session:
                return try LoxiJSON.decodeRequest(SessionList.self, from: data).sessionAttr.map(ApplyStep.session)
            case .sessionClassifier:
                return try LoxiJSON.decodeRequest(SessionUlClList.self, from: data).ulclAttr.map(
                    ApplyStep.sessionClassifier)
            }
        } catch {
            throw .invalidInput("\(name): \(error.message)")
        }
    }

    /// The steps for `apply -f`: a Kubernetes-style file (`kind` and `spec`, several documents
    /// allowed), or one of the saved files, recognised by its list's key.
    public static func steps(anyFile data: Data, name: String) throws(CLIError) -> [ApplyStep] {
        let text = String(decoding: data, as: UTF8.self)
        var documents: [Any] = []
        do {
            var sequence = try Yams.load_all(yaml: text)
            while let document = sequence.next() { documents.append(document) }
            if let error = sequence.error { throw error }
        } catch {
            throw .invalidInput("\(name) is neither YAML nor JSON: \(error)")
        }
        guard !documents.isEmpty else { throw .invalidInput("\(name) is empty") }
        var steps: [ApplyStep] = []
        for (index, document) in documents.enumerated() {
            let where_ = documents.count == 1 ? name : "\(name) document \(index + 1)"
            guard let object = document as? [String: Any] else {
                throw .invalidInput("\(where_) is not a mapping with kind and spec")
            }
            steps += try self.steps(object: object, name: where_)
        }
        return steps
    }

    private static func steps(object: [String: Any], name: String) throws(CLIError) -> [ApplyStep] {
        let json = try jsonData(object, name: name)
        for (key, kind) in [
            ("lbAttr", Kind.loadBalancer), ("fwAttr", .firewall), ("Attr", .endpoint), ("polAttr", .policy),
            ("mirrAttr", .mirror), ("sessionAttr", .session), ("ulclAttr", .sessionClassifier),
        ]
        where object[key] != nil {
            return try steps(savedFile: json, kind: kind, name: name)
        }
        guard let kindName = object["kind"] as? String else {
            throw .invalidInput("\(name) has no kind (Loadbalancer, Firewall or Endpoint)")
        }
        guard let spec = object["spec"] else { throw .invalidInput("\(name) has no spec") }
        let specJSON = try jsonData(spec, name: name)
        do {
            switch kindName {
            case "Loadbalancer", "lb", "LB":
                return [ApplyStep.loadBalancer(try LoxiJSON.decodeRequest(LoadBalancerEntry.self, from: specJSON))]
            case "Firewall", "fw", "firewalls", "firewall":
                return [ApplyStep.firewall(try LoxiJSON.decodeRequest(FirewallEntry.self, from: specJSON))]
            case "Mirror", "mirror", "mirr", "mirrors":
                return [ApplyStep.mirror(try LoxiJSON.decodeRequest(MirrorEntry.self, from: specJSON))]
            case "Endpoint", "ep", "endpoints":
                return [ApplyStep.endpoint(try LoxiJSON.decodeRequest(EndPointEntry.self, from: specJSON))]
            case "Policy", "pol", "policys", "pols", "polices":
                return [ApplyStep.policy(try LoxiJSON.decodeRequest(PolicyEntry.self, from: specJSON))]
            case "Session", "session", "sessions":
                return [ApplyStep.session(try LoxiJSON.decodeRequest(SessionEntry.self, from: specJSON))]
            case "SessionULCL", "ulcl", "sessionulcls", "ulcls", "ULCL":
                return [
                    ApplyStep.sessionClassifier(try LoxiJSON.decodeRequest(SessionUlClEntry.self, from: specJSON))
                ]
            default:
                throw CLIError.unsupported("\(name): kind \(kindName) is not supported by SwiftLB")
            }
        } catch let error as CLIError {
            throw error
        } catch let error as APIError {
            throw .invalidInput("\(name): spec: \(error.message)")
        } catch {
            throw .invalidInput("\(name): spec: \(error)")
        }
    }

    private static func jsonData(_ value: Any, name: String) throws(CLIError) -> Data {
        guard JSONSerialization.isValidJSONObject(value),
            let data = try? JSONSerialization.data(withJSONObject: value)
        else { throw .invalidInput("\(name) holds values JSON cannot carry") }
        return data
    }
}
