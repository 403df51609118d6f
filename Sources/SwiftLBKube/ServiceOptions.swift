import Foundation
import SwiftLBCore

/// What a Service's `loxilb.io/` annotations ask for, read with kube-loxilb's names and values.
/// A value SwiftLB cannot honour becomes a warning (an Event on the Service) and the default.
public struct ServiceOptions: Sendable, Equatable {
    public var mode: NATMode
    public var selection: SelectionAlgorithm = .roundRobin
    public var liveness: Bool
    public var probeType = ""
    public var probePort = 0
    public var probeRequest = ""
    public var probeResponse = ""
    public var probeTimeout = 0
    public var probeRetries = 0
    /// Idle timeout of a connection in seconds; 0 for the protocol's default.
    public var timeout = 0
    public var secondaryIPs: [String] = []
    /// `loxilb.io/nodelabel`: only nodes with this label (and value, when given) are endpoints.
    public var nodeLabel: NodeLabel?
    public var usePodNetwork: Bool
    public var staticIPs: [IPAddress] = []
    public var pool: String?
    /// `loxilb.io/ipam`: the VIP family, nil for the Service's `ipFamilies`.
    public var addressing: Addressing?
    /// One line per annotation that was not honoured.
    public var warnings: [String] = []

    /// A label a node must carry: the key, and the value when one is given.
    public struct NodeLabel: Sendable, Equatable {
        public var key: String
        public var value: String?
    }

    /// `loxilb.io/ipam`'s values.
    public enum Addressing: String, Sendable, Equatable {
        case ipv4, ipv6
        /// An IPv6 VIP in front of IPv4 endpoints (NAT64).
        case ipv6to4
    }

    /// The controller-wide defaults the annotations override.
    public struct Defaults: Sendable {
        public var mode: NATMode
        public var monitor: Bool
        public var usePodNetwork: Bool
        public init(mode: NATMode = .dnat, monitor: Bool = false, usePodNetwork: Bool = false) {
            self.mode = mode
            self.monitor = monitor
            self.usePodNetwork = usePodNetwork
        }
    }

    public init(annotations: [String: String], defaults: Defaults) {
        mode = defaults.mode
        liveness = defaults.monitor
        usePodNetwork = defaults.usePodNetwork
        for (name, value) in annotations.sorted(by: { $0.key < $1.key }) where name.hasPrefix(AnnotationName.prefix) {
            apply(name, value.trimmingCharacters(in: .whitespaces))
        }
        // kube-loxilb ignores probe details without a probe type.
        if probeType.isEmpty || probeType == "none" || probeType == "ping" {
            (probePort, probeRequest, probeResponse) = (0, "", "")
        }
    }

    private mutating func apply(_ name: String, _ value: String) {
        switch name {
        case AnnotationName.lbMode: mode = parseMode(value)
        case AnnotationName.endpointSelect: selection = parseSelection(value)
        case AnnotationName.liveness: liveness = parseYesNo(name, value) ?? liveness
        case AnnotationName.probeType:
            if ["none", "ping", "udp", "tcp", "http", "https", "sctp"].contains(value) {
                probeType = value
            } else {
                warn(name, value, "use none, ping, tcp, udp, sctp, http or https")
            }
        case AnnotationName.probePort: probePort = parseNumber(name, value, in: 1...65535) ?? 0
        case AnnotationName.probeRequest: probeRequest = value
        case AnnotationName.probeResponse: probeResponse = value
        case AnnotationName.probeTimeout: probeTimeout = parseNumber(name, value, in: 1...3600) ?? 0
        case AnnotationName.probeRetries: probeRetries = parseNumber(name, value, in: 1...100) ?? 0
        case AnnotationName.timeout: timeout = parseNumber(name, value, in: 0...(24 * 3600 * 7)) ?? 0
        case AnnotationName.secondaryIPs: secondaryIPs = parseAddresses(name, value).map(\.description)
        case AnnotationName.nodeLabel:
            let parts = value.split(separator: "=", maxSplits: 1).map(String.init)
            if let key = parts.first, !key.isEmpty {
                nodeLabel = NodeLabel(key: key, value: parts.count == 2 ? parts[1] : nil)
            } else {
                warn(name, value, "use KEY or KEY=VALUE")
            }
        case AnnotationName.usePodNetwork: usePodNetwork = parseYesNo(name, value) ?? usePodNetwork
        case AnnotationName.staticIP: staticIPs = parseAddresses(name, value)
        case AnnotationName.poolSelect: pool = value.isEmpty ? nil : value
        case AnnotationName.ipam: addressing = parseAddressing(name, value)
        default:
            warnings.append("annotation \(name) is not supported by SwiftLB and was ignored")
        }
    }

    private mutating func parseMode(_ value: String) -> NATMode {
        switch value {
        case "default": return .dnat
        case "onearm": return .oneArm
        case "fullnat": return .fullNAT
        case "dsr": return .dsr
        case "hostonearm", "fullproxy":
            warn(AnnotationName.lbMode, value, "SwiftLB does not offer \(value) yet; default, onearm, fullnat or dsr")
            return mode
        default:
            warn(AnnotationName.lbMode, value, "use default, onearm, fullnat or dsr")
            return mode
        }
    }

    private mutating func parseSelection(_ value: String) -> SelectionAlgorithm {
        switch value {
        case "rr", "roundrobin": return .roundRobin
        case "hash": return .hash
        case "persist": return .persist
        case "lc": return .leastConnections
        case "priority": return .priority
        default:
            warn(AnnotationName.endpointSelect, value, "use rr, hash, persist, lc or priority")
            return .roundRobin
        }
    }

    private mutating func parseAddressing(_ name: String, _ value: String) -> Addressing? {
        switch value {
        case "ipv4", "ip", "ip4": return .ipv4
        case "ipv6", "ip6", "nat66": return .ipv6
        case "ipv6to4", "nat64": return .ipv6to4
        default:
            warn(name, value, "use ipv4, ipv6 or ipv6to4")
            return nil
        }
    }

    private mutating func parseYesNo(_ name: String, _ value: String) -> Bool? {
        switch value {
        case "yes": return true
        case "no": return false
        default:
            warn(name, value, "use yes or no")
            return nil
        }
    }

    private mutating func parseNumber(_ name: String, _ value: String, in range: ClosedRange<Int>) -> Int? {
        guard let number = Int(value), range.contains(number) else {
            warn(name, value, "use a whole number in \(range.lowerBound)...\(range.upperBound)")
            return nil
        }
        return number
    }

    private mutating func parseAddresses(_ name: String, _ value: String) -> [IPAddress] {
        var addresses: [IPAddress] = []
        for item in value.split(separator: ",") {
            let text = item.trimmingCharacters(in: .whitespaces)
            guard let address = IPAddress(text) else {
                warn(name, value, "\"\(text)\" is not an IP address")
                return []
            }
            addresses.append(address)
        }
        return addresses
    }

    private mutating func warn(_ name: String, _ value: String, _ hint: String) {
        warnings.append("annotation \(name)=\"\(value)\" was ignored: \(hint)")
    }
}
