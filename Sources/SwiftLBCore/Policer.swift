/// A validated policy: what the datapath's policer (bpf/lib/policer.h) needs, in its units.
public struct Policer: Sendable, Hashable {
    /// RFC 2698 or RFC 2697.
    public enum Kind: Int, Sendable, Hashable {
        /// Two rates, three colours (loxilb type 0).
        case trTCM = 0
        /// One rate, three colours (loxilb type 1).
        case srTCM = 1
    }

    /// What a policer is attached to.
    public enum Target: Sendable, Hashable {
        /// Every packet entering this interface.
        case port(String)
        /// Every packet of the flows of the LB rules with this name.
        case rule(String)
    }

    /// The policy's name.
    public var ident: String
    /// The algorithm.
    public var kind: Kind
    /// Whether the packet's DSCP pre-colours it.
    public var colorAware: Bool
    /// CIR, Mbit/s.
    public var committedMbps: Int
    /// PIR, Mbit/s (trTCM; srTCM keeps what was posted).
    public var peakMbps: Int
    /// CBS, bytes.
    public var committedBytes: Int
    /// EBS, bytes.
    public var excessBytes: Int
    /// The attachment.
    public var target: Target
    /// The entry as it is answered and stored (defaults filled in).
    public var entry: PolicyEntry

    /// The datapath's fixed-point parameters.
    public var parameters: PolicerParameters {
        PolicerParameters(
            committedRate: PolicerParameters.rate(mbps: committedMbps),
            peakRate: kind == .trTCM ? PolicerParameters.rate(mbps: peakMbps) : 0,
            committedBucket: PolicerParameters.bucket(bytes: committedBytes),
            excessBucket: PolicerParameters.bucket(bytes: excessBytes), kind: kind, colorAware: colorAware)
    }
}

/// A policer as the datapath holds it (struct slb_pol_cfg): rates in bytes per nanosecond and
/// buckets in bytes, both with `fractionBits` fraction bits.
public struct PolicerParameters: Sendable, Hashable {
    /// Fraction bits (SLB_POL_FRAC_BITS of swiftlb_policer.h; the datapath module checks they agree).
    public static let fractionBits: UInt64 = 20
    /// Committed rate.
    public var committedRate: UInt64
    /// Peak rate (trTCM), 0 for srTCM.
    public var peakRate: UInt64
    /// Committed bucket.
    public var committedBucket: UInt64
    /// Peak (trTCM) or excess (srTCM) bucket.
    public var excessBucket: UInt64
    /// The algorithm.
    public var kind: Policer.Kind
    /// Colour-aware.
    public var colorAware: Bool

    /// Creates parameters.
    public init(
        committedRate: UInt64, peakRate: UInt64, committedBucket: UInt64, excessBucket: UInt64, kind: Policer.Kind,
        colorAware: Bool
    ) {
        self.committedRate = committedRate
        self.peakRate = peakRate
        self.committedBucket = committedBucket
        self.excessBucket = excessBucket
        self.kind = kind
        self.colorAware = colorAware
    }

    /// `mbps` Mbit/s as bytes/ns in fixed point, rounded to nearest: Mbit/s / 8000 bytes/ns.
    /// The relative error is below 0.05 % at the smallest rate (8 Mbit/s: 1048.576 -> 1049).
    public static func rate(mbps: Int) -> UInt64 {
        (UInt64(mbps) << fractionBits + 4000) / 8000
    }

    /// `bytes` in fixed point.
    public static func bucket(bytes: Int) -> UInt64 {
        UInt64(bytes) << fractionBits
    }
}
