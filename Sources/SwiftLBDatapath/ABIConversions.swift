import SwiftLBABI
import SwiftLBCore

/// Four 32-bit words holding an address in network byte order, as the ABI header stores it.
public typealias AddressWords = (UInt32, UInt32, UInt32, UInt32)

extension IPAddress {
    /// The address as the ABI's 16-byte slot (IPv4 in word 0, network byte order).
    public var abiWords: AddressWords {
        switch self {
        case .v4(let value):
            return (value.bigEndian, 0, 0, 0)
        case .v6(let bytes):
            var words: AddressWords = (0, 0, 0, 0)
            withUnsafeMutableBytes(of: &words) { raw in
                for (index, byte) in bytes.prefix(16).enumerated() { raw[index] = byte }
            }
            return words
        }
    }

    /// The ABI family code.
    public var abiFamily: UInt8 { isV4 ? UInt8(SLB_AF_INET) : UInt8(SLB_AF_INET6) }

    /// Reads an address from an ABI slot; nil for an unknown family.
    public init?(abiWords words: AddressWords, family: UInt8) {
        switch Int32(family) {
        case SLB_AF_INET:
            self = .v4(UInt32(bigEndian: words.0))
        case SLB_AF_INET6:
            var copy = words
            self = .v6(withUnsafeBytes(of: &copy) { Array($0) })
        default:
            return nil
        }
    }
}

extension ServiceKey {
    /// The service map key for this service.
    var abiKey: slb_svc_key {
        var key = slb_svc_key()
        key.vip = vip.abiWords
        key.port = port.bigEndian
        key.proto = proto.number
        key.family = vip.abiFamily
        return key
    }

    /// Reads a service map key; nil when it holds an unknown protocol or family.
    init?(abiKey key: slb_svc_key) {
        guard let vip = IPAddress(abiWords: key.vip, family: key.family),
            let proto = L4Protocol(number: key.proto)
        else { return nil }
        self.init(vip: vip, port: UInt16(bigEndian: key.port), proto: proto)
    }
}

extension DatapathEndpoint {
    var abiEndpoint: slb_endpoint {
        var endpoint = slb_endpoint()
        endpoint.addr = address.abiWords
        endpoint.port = port.bigEndian
        endpoint.weight = weight
        endpoint.family = address.abiFamily
        endpoint.flags = active ? 0 : UInt8(SLB_EP_F_INACTIVE)
        return endpoint
    }

    init?(abiEndpoint endpoint: slb_endpoint) {
        guard let address = IPAddress(abiWords: endpoint.addr, family: endpoint.family) else { return nil }
        self.init(
            address: address, port: UInt16(bigEndian: endpoint.port), weight: endpoint.weight,
            active: endpoint.flags & UInt8(SLB_EP_F_INACTIVE) == 0)
    }
}

extension slb_ct_key {
    /// Whether `other` names the same tuple (keys are built zeroed, so their bytes compare).
    public func isSame(as other: slb_ct_key) -> Bool {
        withUnsafeBytes(of: self) { mine in withUnsafeBytes(of: other) { mine.elementsEqual($0) } }
    }

    /// The key of the opposite direction of a flow whose packets arrive with `self` and are rewritten by `nat`.
    public func reply(after nat: slb_nat) -> slb_ct_key {
        var key = slb_ct_key()
        let srcRewritten = nat.flags & UInt8(SLB_NAT_SRC.rawValue) != 0
        let dstRewritten = nat.flags & UInt8(SLB_NAT_DST.rawValue) != 0
        key.saddr = dstRewritten ? nat.daddr : daddr
        key.sport = dstRewritten ? nat.dport : dport
        key.daddr = srcRewritten ? nat.saddr : saddr
        key.dport = srcRewritten ? nat.sport : sport
        key.proto = proto
        key.family = dstRewritten || srcRewritten ? (nat.family == 0 ? family : nat.family) : family
        return key
    }
}

/// loxilb's names for conntrack states.
enum ConntrackStateName {
    static func name(_ state: UInt8) -> String {
        switch UInt32(state) {
        case SLB_CT_NEW.rawValue: "new"
        case SLB_CT_SYN_SENT.rawValue: "syn-sent"
        case SLB_CT_SYN_RECV.rawValue: "syn-recv"
        case SLB_CT_ESTABLISHED.rawValue: "est"
        case SLB_CT_FIN_WAIT.rawValue: "fin-wait"
        case SLB_CT_TIME_WAIT.rawValue: "time-wait"
        case SLB_CT_CLOSED.rawValue: "closed"
        default: "unknown"
        }
    }
}

extension slb_snat_pool {
    /// The datapath's form of `pool`: the first address in network order and the count; nil is the
    /// empty pool (count 0), which leaves the mode's default source.
    init(_ pool: SNATPool?) {
        self.init()
        guard let pool else { return }
        first = pool.first.bigEndian
        count = pool.count
    }

    /// The pool this entry holds, or nil when it is empty.
    var pool: SNATPool? { count == 0 ? nil : SNATPool(first: UInt32(bigEndian: first), count: count) }
}
