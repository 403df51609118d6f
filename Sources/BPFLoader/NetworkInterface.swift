#if canImport(Glibc)
    import Glibc
#endif

/// A network interface of the current network namespace.
public struct NetworkInterface: Hashable, Sendable, Comparable {
    public let index: Int32
    public let name: String

    public init(index: Int32, name: String) {
        self.index = index
        self.name = name
    }

    /// Every interface of the calling thread's network namespace, sorted by index.
    public static func all() -> [NetworkInterface] { list() ?? [] }

    /// The interfaces of this network namespace, or nil when they cannot be listed (if_nameindex
    /// needs a socket: out of descriptors it fails, which must not read as "no interfaces").
    public static func list() -> [NetworkInterface]? {
        guard let list = if_nameindex() else { return nil }
        defer { if_freenameindex(list) }
        var result: [NetworkInterface] = []
        var cursor = list
        while cursor.pointee.if_index != 0, let name = cursor.pointee.if_name {
            result.append(NetworkInterface(index: Int32(cursor.pointee.if_index), name: String(cString: name)))
            cursor += 1
        }
        return result.sorted()
    }

    /// The index of the interface called `name`, or nil.
    public static func index(of name: String) -> Int32? {
        let index = if_nametoindex(name)
        return index == 0 ? nil : Int32(index)
    }

    /// True for loopback interfaces, which SwiftLB never attaches to.
    public var isLoopback: Bool { name == "lo" }

    public static func < (lhs: NetworkInterface, rhs: NetworkInterface) -> Bool { lhs.index < rhs.index }
}
