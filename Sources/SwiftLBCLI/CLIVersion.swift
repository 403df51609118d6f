/// The version of `swiftlbctl` itself.
public enum CLIVersion {
    /// Printed by `swiftlbctl version` and `swiftlbctl --version`.
    public static let current = "0.1.0"
}
