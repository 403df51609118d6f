/// The loxilb BFD paths the CLI calls.
public enum BFDPaths {
    /// `POST` target for a session.
    public static let session = APIRequest.basePath + "/config/bfd"
    /// `GET` of every session with its state.
    public static let sessions = APIRequest.basePath + "/config/bfd/all"

    /// `DELETE` of one session, as loxicmd sends it: `.../remoteIP/IP?instance=NAME`.
    public static func session(_ remoteIP: String, instance: String) -> String {
        let query = instance.isEmpty ? "" : "?instance=" + LoadBalancerPaths.segment(instance)
        return session + "/remoteIP/" + LoadBalancerPaths.segment(remoteIP) + query
    }
}
