/// A validated mirror: where its copies go and what it copies.
public struct Mirror: Sendable, Hashable {
    /// How copies leave.
    public enum Destination: Sendable, Hashable {
        /// Out of `port`, as they are.
        case span(port: String)
        /// Out of `port`, tagged with `vlan`.
        case rspan(port: String, vlan: UInt16)
        /// ERSPAN type II from `source` to `remote`, session `session`.
        case erspan(remote: IPAddress, source: IPAddress, session: UInt16)
    }

    /// What is copied.
    public enum Attachment: Sendable, Hashable {
        /// Every packet entering the port.
        case port(String)
        /// Every packet of the flows of the LB rules this name selects.
        case rule(String)
    }

    /// The mirror's name.
    public var ident: String
    /// Where copies go.
    public var destination: Destination
    /// What is copied.
    public var attachment: Attachment
    /// The entry as posted (answer-only fields cleared).
    public var entry: MirrorEntry

}
