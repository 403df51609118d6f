import Foundation

/// The current bearer token: a fixed one, or the contents of a token file re-read once a minute
/// and after a 401, because the kubelet rotates projected service-account tokens.
actor BearerToken {
    private let source: BearerTokenSource
    private let maxAge: Duration
    private var cached: String?
    private var readAt: ContinuousClock.Instant?

    init(_ source: BearerTokenSource, maxAge: Duration = .seconds(60)) {
        self.source = source
        self.maxAge = maxAge
    }

    /// The token to send; a file is re-read when the last read is older than `maxAge`.
    func current() -> String? {
        if let readAt, let cached, ContinuousClock.now - readAt < maxAge { return cached }
        return reload()
    }

    /// Reads the token again (after a 401); keeps the previous one if the file cannot be read.
    @discardableResult
    func reload() -> String? {
        switch source {
        case .literal(let token):
            cached = token
        case .file(let path):
            if let bytes = try? KubeConfig.readFile(path) {
                let token = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                if !token.isEmpty { cached = token }
            }
        }
        readAt = ContinuousClock.now
        return cached
    }
}
