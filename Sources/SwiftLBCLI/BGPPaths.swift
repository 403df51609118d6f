/// The loxilb BGP paths the CLI calls.
public enum BGPPaths {
    /// `POST` target for a neighbor.
    public static let neighbor = APIRequest.basePath + "/config/bgp/neigh"
    /// `GET` of every neighbor with its state.
    public static let neighbors = APIRequest.basePath + "/config/bgp/neigh/all"
    /// `POST`/`GET` of the global settings.
    public static let global = APIRequest.basePath + "/config/bgp/global"

    /// `DELETE` of one neighbor, as loxicmd sends it: `.../neigh/IP?remoteAs=AS`.
    public static func neighbor(_ address: String, remoteAs: Int) -> String {
        neighbor + "/" + LoadBalancerPaths.segment(address) + "?remoteAs=\(remoteAs)"
    }
}
