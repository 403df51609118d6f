/// The annotations swiftlb-kube reads on a Service, with kube-loxilb's names so that manifests
/// written for kube-loxilb work unchanged.
public enum AnnotationName {
    public static let prefix = "loxilb.io/"
    public static let lbMode = "loxilb.io/lbmode"
    public static let endpointSelect = "loxilb.io/epselect"
    public static let liveness = "loxilb.io/liveness"
    public static let probeType = "loxilb.io/probetype"
    public static let probePort = "loxilb.io/probeport"
    public static let probeRequest = "loxilb.io/probereq"
    public static let probeResponse = "loxilb.io/proberesp"
    public static let probeTimeout = "loxilb.io/probetimeout"
    public static let probeRetries = "loxilb.io/proberetries"
    public static let timeout = "loxilb.io/timeout"
    public static let secondaryIPs = "loxilb.io/secondaryIPs"
    public static let nodeLabel = "loxilb.io/nodelabel"
    public static let usePodNetwork = "loxilb.io/usepodnetwork"
    public static let staticIP = "loxilb.io/staticIP"
    public static let poolSelect = "loxilb.io/poolSelect"
    public static let ipam = "loxilb.io/ipam"

    /// Every annotation above: a `loxilb.io/` annotation outside this set is one SwiftLB cannot
    /// honour, and gets a Warning Event naming it.
    public static let understood: Set<String> = [
        lbMode, endpointSelect, liveness, probeType, probePort, probeRequest, probeResponse, probeTimeout,
        probeRetries, timeout, secondaryIPs, nodeLabel, usePodNetwork, staticIP, poolSelect, ipam,
    ]
}
