/// Checks a policy completely before anything changes (400 naming the field) and builds the
/// policer, with loxilb's units and defaults: rates in Mbit/s from 8, a committed bucket of 0
/// meaning 30,000,000 bytes, an excess bucket of 0 meaning twice the committed one.
public enum PolicyValidator {
    /// The smallest rate, Mbit/s (loxilb's MinPolRate; SLB_POL_MIN_MBPS).
    public static let minMbps = 8
    /// The largest rate, Mbit/s (100 Gbit/s; SLB_POL_MAX_MBPS).
    public static let maxMbps = 100_000
    /// loxilb's default committed bucket, bytes (DflPolBlkSz).
    public static let defaultBucket = 30_000_000
    /// The smallest bucket, bytes: one full-size Ethernet frame.
    public static let minBucket = 1514
    /// The largest bucket, bytes (SLB_POL_MAX_BUCKET).
    public static let maxBucket = 1 << 30
    /// The longest policy name.
    public static let maxIdentLength = 128

    /// The policer `entry` describes, or a 400 naming the first bad field.
    public static func policer(from entry: PolicyEntry) throws(APIError) -> Policer {
        let ident = try self.ident(entry.policyIdent)
        let info = entry.policyInfo
        guard let kind = Policer.Kind(rawValue: info.type) else {
            throw .badRequest(field: "policyInfo.type", message: "type must be 0 (trTCM) or 1 (srTCM)")
        }
        let committed = try rate(info.committedInfoRate, field: "policyInfo.committedInfoRate")
        var peak = info.peakInfoRate
        if kind == .trTCM {
            peak = try rate(info.peakInfoRate, field: "policyInfo.peakInfoRate")
            guard peak >= committed else {
                throw .badRequest(
                    field: "policyInfo.peakInfoRate", message: "peakInfoRate must not be below committedInfoRate")
            }
        } else if !(0...maxMbps).contains(peak) {
            throw .badRequest(field: "policyInfo.peakInfoRate", message: "peakInfoRate must be 0...\(maxMbps)")
        }
        let cbs = try bucket(info.committedBlkSize, field: "policyInfo.committedBlkSize") ?? defaultBucket
        let ebs = try bucket(info.excessBlkSize, field: "policyInfo.excessBlkSize") ?? min(2 * cbs, maxBucket)
        let target = try self.target(entry.targetObject)
        var stored = entry
        stored.policyIdent = ident
        stored.policyInfo.peakInfoRate = peak
        stored.policyInfo.committedBlkSize = cbs
        stored.policyInfo.excessBlkSize = ebs
        stored.policyStats = nil
        return Policer(
            ident: ident, kind: kind, colorAware: info.colorAware, committedMbps: committed, peakMbps: peak,
            committedBytes: cbs, excessBytes: ebs, target: target, entry: stored)
    }

    /// A policy name: 1...maxIdentLength printable characters without "/" (it is a path segment).
    public static func ident(_ text: String) throws(APIError) -> String {
        guard !text.isEmpty, text.count <= maxIdentLength, !text.contains("/"),
            text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7f })
        else {
            throw .badRequest(
                field: "policyIdent",
                message: "policyIdent must be 1...\(maxIdentLength) printable characters without spaces or '/'")
        }
        return text
    }

    private static func rate(_ value: Int, field: String) throws(APIError) -> Int {
        guard (minMbps...maxMbps).contains(value) else {
            let name = field.split(separator: ".").last.map(String.init) ?? field
            throw .badRequest(field: field, message: "\(name) must be \(minMbps)...\(maxMbps) (Mbit/s)")
        }
        return value
    }

    /// A bucket size, nil for 0 (the default).
    private static func bucket(_ value: Int, field: String) throws(APIError) -> Int? {
        if value == 0 { return nil }
        guard (minBucket...maxBucket).contains(value) else {
            let name = field.split(separator: ".").last.map(String.init) ?? field
            throw .badRequest(field: field, message: "\(name) must be 0 (default) or \(minBucket)...\(maxBucket) bytes")
        }
        return value
    }

    private static func target(_ target: PolicyTarget) throws(APIError) -> Policer.Target {
        let name = target.polObjName
        switch target.attachment {
        case 1:
            guard !name.isEmpty, name.count <= 15, !name.contains("/"), !name.contains(" ") else {
                throw .badRequest(field: "targetObject.polObjName", message: "polObjName must be an interface name")
            }
            return .port(name)
        case 2:
            guard !name.isEmpty, name.count <= 256 else {
                throw .badRequest(
                    field: "targetObject.polObjName", message: "polObjName must be the name of LB rules (1...256)")
            }
            return .rule(name)
        default:
            throw .badRequest(
                field: "targetObject.attachment", message: "attachment must be 1 (port) or 2 (LB rule)")
        }
    }
}
