import CLibBPF

#if canImport(Glibc)
    import Glibc
#endif

/// A view of a BPF map whose values are plain byte arrays of a fixed size, for values too large
/// to import as a C struct (Swift would see a fixed array of 64 KiB as a tuple).
public struct BPFByteMap<Key: BitwiseCopyable>: Sendable {
    public let name: String
    public let fd: Int32
    /// The map's value size in bytes.
    public let valueSize: Int

    public init(name: String, fd: Int32, valueSize: Int) {
        self.name = name
        self.fd = fd
        self.valueSize = valueSize
    }

    /// The value stored under `key`, or nil when absent.
    public func lookup(_ key: Key) throws(BPFError) -> [UInt8]? {
        var key = key
        var value = [UInt8](repeating: 0, count: valueSize)
        let rc = value.withUnsafeMutableBytes { bpf_map_lookup_elem(fd, &key, $0.baseAddress) }
        if rc == 0 { return value }
        if -rc == ENOENT || errno == ENOENT { return nil }
        throw BPFError.from("lookup in map \(name)", result: rc)
    }

    /// Stores `value` (exactly `valueSize` bytes) under `key`.
    public func update(_ key: Key, _ value: [UInt8]) throws(BPFError) {
        guard value.count == valueSize else {
            throw BPFError(operation: "update map \(name) with \(value.count) bytes (needs \(valueSize))", code: EINVAL)
        }
        var key = key
        let rc = value.withUnsafeBytes { bpf_map_update_elem(fd, &key, $0.baseAddress, UInt64(BPF_ANY)) }
        guard rc == 0 else { throw BPFError.from("update map \(name)", result: rc) }
    }

    /// Every key present, at most `limit` of them.
    public func keys(limit: Int = Int.max) throws(BPFError) -> [Key] {
        try mapKeys(fd: fd, name: name, limit: limit, as: Key.self)
    }

    /// Removes `key`; returns false when it was absent.
    @discardableResult
    public func delete(_ key: Key) throws(BPFError) -> Bool {
        try deleteMapKey(key, fd: fd, what: "map \(name)")
    }
}

extension BPFObject {
    /// A byte-valued view of the map called `name`, whose values are `valueSize` bytes.
    public func byteMap<Key: BitwiseCopyable>(
        named name: String, key: Key.Type = Key.self, valueSize: Int
    ) throws(BPFError) -> BPFByteMap<Key> {
        BPFByteMap(name: name, fd: try mapFD(named: name), valueSize: valueSize)
    }
}
