import NIOHTTP1

/// The limits a request's header fields must keep (`ProxyLimits`).
struct HeaderLimits {
    let maxBytes: Int
    let maxCount: Int

    init(_ limits: ProxyLimits) {
        maxBytes = limits.maxHeaderBytes
        maxCount = limits.maxHeaderCount
    }

    /// Why `headers` are refused, as the 400's body; nil when they are within the limits.
    func problem(_ headers: HTTPHeaders) -> String? {
        guard headers.count <= maxCount else {
            return "the request has \(headers.count) header fields; at most \(maxCount) are accepted\n"
        }
        let bytes = headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count }
        guard bytes <= maxBytes else {
            return "the request's header fields take \(bytes) bytes; at most \(maxBytes) are accepted\n"
        }
        return nil
    }
}
