import Foundation

/// The loxilb REST paths the CLI calls, built exactly as loxicmd builds them.
public enum LoadBalancerPaths {
    /// `POST` target for a new rule.
    public static let create = APIRequest.basePath + "/config/loadbalancer"
    /// `GET` (list) and `DELETE` (remove every rule).
    public static let all = APIRequest.basePath + "/config/loadbalancer/all"
    /// `GET` of live connections.
    public static let conntrack = APIRequest.basePath + "/config/conntrack/all"
    /// `GET` of the server's version.
    public static let version = APIRequest.basePath + "/version"

    /// `DELETE` of the rule called `name`.
    public static func byName(_ name: String) -> String {
        create + "/name/" + segment(name)
    }

    /// `DELETE` of one service, in loxicmd's form:
    /// `.../hosturl/HOST/externalipaddress/VIP/port/PORT/portmax/MAX/protocol/PROTO?bgp=B&block=N`
    /// with HOST "any" when no host is given and MAX 0 for a single port.
    public static func byService(
        externalIP: String, port: Int, portMax: Int, protocol proto: String, host: String? = nil, bgp: Bool = false,
        block: Int = 0
    ) -> String {
        let hostURL = host.flatMap { $0.isEmpty ? nil : $0 } ?? "any"
        return create + "/hosturl/" + segment(hostURL) + "/externalipaddress/" + segment(externalIP) + "/port/\(port)"
            + "/portmax/\(portMax)/protocol/" + segment(proto) + "?bgp=\(bgp)&block=\(block)"
    }

    /// Percent-encodes one path segment; `/` is encoded so a host URL stays one segment.
    static func segment(_ text: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#%")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
