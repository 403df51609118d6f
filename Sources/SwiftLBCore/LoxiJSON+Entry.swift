import Foundation

/// The load-balancer entry's shortcuts: a create request is decoded and its rule stored once per
/// API call, so they skip `Decodable`/`Encodable` for the plain JSON that clients send (see
/// `PlainJSONScanner`). Anything else takes the generic path, which defines results and errors.
extension LoxiJSON {
    /// Decodes a create request's body; the same entry or `APIError` as
    /// `decodeRequest(LoadBalancerEntry.self, from: data)`.
    public static func decodeEntryRequest(from data: Data) throws(APIError) -> LoadBalancerEntry {
        if let entry = plainEntry(data) { return entry }
        return try decodeRequest(LoadBalancerEntry.self, from: data)
    }

    /// Decodes a stored entry; the same entry or `APIError` as `decode(LoadBalancerEntry.self, from: data)`.
    public static func decodeEntry(from data: Data) throws(APIError) -> LoadBalancerEntry {
        if let entry = plainEntry(data) { return entry }
        return try decode(LoadBalancerEntry.self, from: data)
    }

    /// The bytes `encode(entry)` writes.
    public static func encodeEntry(_ entry: LoadBalancerEntry) -> Data {
        var writer = PlainJSONWriter(capacity: 640)
        do {
            try entry.writePlain(to: &writer)
            return Data(writer.bytes)
        } catch {
            return encode(entry)
        }
    }

    /// The entry when `data` is plain JSON, nil when it must go through `JSONDecoder`.
    static func plainEntry(_ data: Data) -> LoadBalancerEntry? {
        data.withUnsafeBytes { bytes in
            var scanner = PlainJSONScanner(bytes)
            do {
                let entry = try LoadBalancerEntry(plain: &scanner)
                try scanner.expectEnd()
                return entry
            } catch {
                return nil
            }
        }
    }
}
