/// Where and how the CLI reaches the API: the validated form of the global options.
public struct APIEndpoint: Equatable, Sendable {
    /// Server host name or address.
    public var host: String
    /// Server port.
    public var port: Int
    /// Seconds a request may take, connection included.
    public var timeoutSeconds: Int
    /// Sent as `Authorization: Bearer <token>` when set.
    public var token: String?
    /// HTTPS instead of HTTP.
    public var tls: Bool
    /// PEM file of the CA that signed the server's certificate (nil: the system's roots).
    public var caFile: String?

    /// Creates an endpoint; values are taken as given.
    public init(
        host: String = "127.0.0.1", port: Int = 11111, timeoutSeconds: Int = 5, token: String? = nil,
        tls: Bool = false, caFile: String? = nil
    ) {
        self.host = host
        self.port = port
        self.timeoutSeconds = timeoutSeconds
        self.token = token
        self.tls = tls
        self.caFile = caFile
    }

    /// `http://HOST:PORT` (or https), with an IPv6 host in brackets.
    public var baseURL: String {
        let needsBrackets = host.contains(":") && !host.hasPrefix("[")
        return "\(tls ? "https" : "http")://\(needsBrackets ? "[\(host)]" : host):\(port)"
    }
}
