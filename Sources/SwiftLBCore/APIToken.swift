/// What an API token may do.
public enum APIScope: String, Sendable, CaseIterable {
    /// Every request.
    case admin
    /// Reads only (GET and HEAD); a write answers 403.
    case read
}

/// One API credential: a name (the user name `loxicmd set login` asks for), a scope and the
/// secret sent in the `Authorization` header.
public struct APIToken: Sendable, Equatable {
    public var name: String
    public var scope: APIScope
    public var secret: String

    public init(name: String, scope: APIScope, secret: String) {
        self.name = name
        self.scope = scope
        self.secret = secret
    }
}

/// A token file that cannot be used; the message names the file and line.
public struct APITokenFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
