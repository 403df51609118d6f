/// `--srv6-segments` items: `ENDPOINT=SEG+SEG` (the endpoint's IP, then its segment list, first
/// segment first). The daemon checks the addresses; this only splits and matches endpoints.
enum SRv6SegmentSpec {
    /// The segment list of each endpoint IP named in `items`; every name must be one of `endpoints`.
    static func lists(_ items: [String], endpoints: [String]) throws(CLIError) -> [String: [String]] {
        var result: [String: [String]] = [:]
        for item in items {
            guard let equals = item.firstIndex(of: "=") else {
                throw .invalidInput(
                    "--srv6-segments item '\(item)' is not ENDPOINT=SID+SID (e.g. 10.0.0.5=fc00:2::1+fc00:3::d4)")
            }
            let endpoint = String(item[..<equals])
            let segments = item[item.index(after: equals)...].split(separator: "+").map(String.init)
            guard endpoints.contains(endpoint) else {
                throw .invalidInput("--srv6-segments names \(endpoint), which is not one of --endpoints")
            }
            guard !segments.isEmpty else {
                throw .invalidInput("--srv6-segments item '\(item)' has no segment")
            }
            guard result[endpoint] == nil else {
                throw .invalidInput("--srv6-segments lists \(endpoint) twice")
            }
            result[endpoint] = segments
        }
        return result
    }
}
