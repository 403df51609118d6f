/// The body of `GET /netlox/v1/version`: loxilb's `version` and `buildInfo`, plus SwiftLB's
/// `name` and `buildDate`.
public struct VersionInfo: Codable, Sendable, Equatable {
    /// The product name, "swiftlb".
    public var name: String
    /// The release version, e.g. "0.1.0".
    public var version: String
    /// Free-form build description (loxilb's field), e.g. a commit id.
    public var buildInfo: String
    /// When the daemon was built, as text.
    public var buildDate: String

    /// Creates version information.
    public init(name: String = "swiftlb", version: String, buildInfo: String = "", buildDate: String = "") {
        self.name = name
        self.version = version
        self.buildInfo = buildInfo
        self.buildDate = buildDate
    }
}
