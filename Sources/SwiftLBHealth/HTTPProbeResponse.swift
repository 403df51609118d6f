/// How an HTTP(S) probe's request is written and its answer judged (pure, so it is tested on bytes).
///
/// As loxilb: the endpoint is up when the status is 200 and, when an expected response text is
/// configured, the body contains it.
public enum HTTPProbeResponse {
    /// Bytes read beyond this are not needed to judge the answer.
    public static let maxBytes = 65536

    /// The request for `path` on `host:port`: `GET /path HTTP/1.1`, `Connection: close`.
    public static func request(path: String, host: String, port: UInt16) -> String {
        let target = path.hasPrefix("/") ? path : "/" + path
        return "GET \(target) HTTP/1.1\r\nHost: \(host):\(port)\r\nUser-Agent: swiftlb-health/1\r\n"
            + "Accept: */*\r\nConnection: close\r\n\r\n"
    }

    /// The verdict on `bytes` received so far: `.up`, `.down(reason)`, or `.needMore` while the status
    /// line (or, with an expected text, the text) has not arrived yet. `complete` says the peer closed.
    public static func judge(_ bytes: [UInt8], expecting expected: String, complete: Bool) -> Verdict {
        guard let lineEnd = firstCRLF(in: bytes) else {
            if complete || bytes.count >= maxBytes {
                return .down(bytes.isEmpty ? "connection closed without an answer" : "no HTTP status line")
            }
            return .needMore
        }
        let statusLine = String(decoding: bytes[..<lineEnd], as: UTF8.self)
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), let code = Int(parts[1]) else {
            return .down("malformed status line \"\(statusLine.prefix(80))\"")
        }
        guard code == 200 else { return .down("HTTP status \(code)") }
        guard !expected.isEmpty else { return .up }
        let body = bodyStart(in: bytes).map { Array(bytes[$0...]) } ?? []
        if contains(body, Array(expected.utf8)) { return .up }
        if complete || bytes.count >= maxBytes { return .down("the response does not contain \"\(expected)\"") }
        return .needMore
    }

    /// A judgement of a partial or complete answer.
    public enum Verdict: Sendable, Hashable {
        case up
        case down(String)
        case needMore
    }

    private static func firstCRLF(in bytes: [UInt8]) -> Int? {
        guard bytes.count >= 2 else { return nil }
        for index in 0..<(bytes.count - 1) where bytes[index] == 13 && bytes[index + 1] == 10 { return index }
        return nil
    }

    private static func bodyStart(in bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4)
        where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index + 4
        }
        return nil
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count)
        where haystack[start..<(start + needle.count)].elementsEqual(needle) {
            return true
        }
        return false
    }
}
