import SwiftLBCore

/// loxilb's GTP-U session and classifier paths.
public enum SessionPaths {
    /// `POST` target for a session.
    public static let create = APIRequest.basePath + "/config/session"
    /// `GET` of every session.
    public static let all = APIRequest.basePath + "/config/session/all"
    /// `POST` target for a classifier.
    public static let createClassifier = APIRequest.basePath + "/config/sessionulcl"
    /// `GET` of every classifier.
    public static let allClassifiers = APIRequest.basePath + "/config/sessionulcl/all"

    /// `DELETE` of session `ident`.
    public static func delete(ident: String) -> String {
        create + "/ident/" + LoadBalancerPaths.segment(ident)
    }

    /// `DELETE` of session `ident`'s classifier for `address`.
    public static func deleteClassifier(ident: String, address: String) -> String {
        createClassifier + "/ident/" + LoadBalancerPaths.segment(ident) + "/ulclAddress/"
            + LoadBalancerPaths.segment(address)
    }

    /// `<TeID>:<IP>` as loxicmd's --accessNetworkTunnel / --coreNetworkTunnel take it.
    public static func tunnel(_ text: String, flag: String) throws(CLIError) -> SessionTunnelEntry {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let teid = Int(parts[0]) else {
            throw .invalidInput("--\(flag) takes <TeID>:<IP>, not '\(text)'")
        }
        return SessionTunnelEntry(teid: teid, tunnelIP: parts[1])
    }

    /// `<QFI>:<IP>` as loxicmd's --ulclArgs takes it.
    public static func classifier(_ text: String) throws(CLIError) -> SessionUlClArgument {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let qfi = Int(parts[0]) else {
            throw .invalidInput("--ulclArgs takes <QFI>:<IP>,..., not '\(text)'")
        }
        return SessionUlClArgument(qfi: qfi, ulclIP: parts[1])
    }
}
