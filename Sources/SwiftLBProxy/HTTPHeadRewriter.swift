import NIOHTTP1

/// The header changes between client and endpoint: hop-by-hop headers (RFC 9110 section 7.6.1)
/// stay on their hop, the endpoint learns the client's address and scheme (X-Forwarded-For,
/// X-Forwarded-Proto), and the endpoint connection is kept alive for reuse.
enum HTTPHeadRewriter {
    static let hopByHop: Set<String> = [
        "connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade", "proxy-authenticate",
        "proxy-authorization",
    ]

    /// The request as sent to an endpoint over HTTP/1.1.
    static func upstreamRequest(_ head: HTTPRequestHead, clientIP: String?, scheme: String) -> HTTPRequestHead {
        var head = head
        head.headers = withoutHopByHop(head.headers)
        if let clientIP {
            let previous = head.headers["x-forwarded-for"].joined(separator: ", ")
            head.headers.replaceOrAdd(
                name: "x-forwarded-for", value: previous.isEmpty ? clientIP : "\(previous), \(clientIP)")
        }
        head.headers.replaceOrAdd(name: "x-forwarded-proto", value: scheme)
        head.version = .http1_1
        return head
    }

    /// The endpoint's response as sent to the client; `close` announces that the client
    /// connection ends after it (HTTP/1.x only).
    static func downstreamResponse(_ head: HTTPResponseHead, version: HTTPVersion, close: Bool) -> HTTPResponseHead {
        var head = head
        head.headers = withoutHopByHop(head.headers)
        if version.major == 1 {
            head.version = version
            if close { head.headers.replaceOrAdd(name: "connection", value: "close") }
        }
        return head
    }

    /// True when the message's own headers ask to keep its connection open.
    static func keepsAlive(version: HTTPVersion, headers: HTTPHeaders) -> Bool {
        let tokens = headers[canonicalForm: "connection"].map { $0.lowercased() }
        if tokens.contains("close") { return false }
        return version.major >= 2 || version.minor >= 1 || tokens.contains("keep-alive")
    }

    // Removes the hop-by-hop headers and every header the Connection header names.
    static func withoutHopByHop(_ headers: HTTPHeaders) -> HTTPHeaders {
        let named = Set(headers[canonicalForm: "connection"].map { $0.lowercased() })
        var result = HTTPHeaders()
        for (name, value) in headers {
            let lowered = name.lowercased()
            if hopByHop.contains(lowered) || named.contains(lowered) { continue }
            result.add(name: name, value: value)
        }
        return result
    }
}
