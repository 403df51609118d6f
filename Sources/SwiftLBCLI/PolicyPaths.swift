import SwiftLBCore

/// loxilb's QoS policy paths.
public enum PolicyPaths {
    /// `POST` target for a new policy.
    public static let create = APIRequest.basePath + "/config/policy"
    /// `GET` of every policy.
    public static let all = APIRequest.basePath + "/config/policy/all"

    /// `DELETE /config/policy/ident/{ident}`.
    public static func delete(ident: String) -> String {
        create + "/ident/" + LoadBalancerPaths.segment(ident)
    }
}
