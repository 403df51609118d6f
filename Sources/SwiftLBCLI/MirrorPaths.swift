import SwiftLBCore

/// loxilb's mirror paths.
public enum MirrorPaths {
    /// `POST` target for a new mirror.
    public static let create = APIRequest.basePath + "/config/mirror"
    /// `GET` of every mirror.
    public static let all = APIRequest.basePath + "/config/mirror/all"

    /// `DELETE /config/mirror/ident/{ident}`.
    public static func delete(_ ident: String) -> String {
        create + "/ident/" + LoadBalancerPaths.segment(ident)
    }
}
