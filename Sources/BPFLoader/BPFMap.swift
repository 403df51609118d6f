import CLibBPF

#if canImport(Glibc)
    import Glibc
#endif

/// A typed view of a BPF map whose key and value are plain C structs (or integers).
///
/// The caller guarantees that `Key` and `Value` match the map's layout; the shared ABI header
/// is the single source of both.
public struct BPFMap<Key: BitwiseCopyable, Value: BitwiseCopyable>: Sendable {
    public let name: String
    public let fd: Int32

    public init(name: String, fd: Int32) {
        self.name = name
        self.fd = fd
    }

    /// The value stored under `key`, or nil when absent.
    public func lookup(_ key: Key) throws(BPFError) -> Value? {
        var key = key
        var value = zeroedValue(Value.self)
        let rc = bpf_map_lookup_elem(fd, &key, &value)
        if rc == 0 { return value }
        if -rc == ENOENT || errno == ENOENT { return nil }
        throw BPFError.from("lookup in map \(name)", result: rc)
    }

    /// Stores `value` under `key` (create or replace).
    public func update(_ key: Key, _ value: Value) throws(BPFError) {
        var key = key
        var value = value
        let rc = bpf_map_update_elem(fd, &key, &value, UInt64(BPF_ANY))
        guard rc == 0 else { throw BPFError.from("update map \(name)", result: rc) }
    }

    /// Removes `key`; returns false when it was absent.
    @discardableResult
    public func delete(_ key: Key) throws(BPFError) -> Bool {
        try deleteMapKey(key, fd: fd, what: "map \(name)")
    }

    /// Every key present, in the kernel's iteration order, at most `limit` of them.
    public func keys(limit: Int = Int.max) throws(BPFError) -> [Key] {
        try mapKeys(fd: fd, name: name, limit: limit, as: Key.self)
    }
}

/// A typed view of a per-CPU BPF map: each key has one value per possible CPU.
public struct BPFPerCPUMap<Key: BitwiseCopyable, Value: BitwiseCopyable>: Sendable {
    public let name: String
    public let fd: Int32

    public init(name: String, fd: Int32) {
        self.name = name
        self.fd = fd
    }

    /// Number of possible CPUs, the length of every value array.
    public static var cpuCount: Int { Int(max(libbpf_num_possible_cpus(), 1)) }

    // The kernel copies per-CPU values with an 8-byte stride.
    static var stride: Int { (MemoryLayout<Value>.size + 7) & ~7 }

    /// The per-CPU values under `key`, or nil when absent.
    public func lookup(_ key: Key) throws(BPFError) -> [Value]? {
        var key = key
        let count = Self.cpuCount
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: Self.stride * count, alignment: 8)
        defer { buffer.deallocate() }
        memset(buffer, 0, Self.stride * count)
        let rc = bpf_map_lookup_elem(fd, &key, buffer)
        if rc != 0 {
            if -rc == ENOENT { return nil }
            throw BPFError.from("lookup in per-CPU map \(name)", result: rc)
        }
        return (0..<count).map { buffer.loadUnaligned(fromByteOffset: $0 * Self.stride, as: Value.self) }
    }

    /// Sets every CPU's value under `key` to `value`.
    public func update(_ key: Key, allCPUs value: Value) throws(BPFError) {
        var key = key
        let count = Self.cpuCount
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: Self.stride * count, alignment: 8)
        defer { buffer.deallocate() }
        memset(buffer, 0, Self.stride * count)
        for cpu in 0..<count { buffer.storeBytes(of: value, toByteOffset: cpu * Self.stride, as: Value.self) }
        let rc = bpf_map_update_elem(fd, &key, buffer, UInt64(BPF_ANY))
        guard rc == 0 else { throw BPFError.from("update per-CPU map \(name)", result: rc) }
    }

    /// Removes `key` (a per-CPU hash map); returns false when it was absent.
    @discardableResult
    public func delete(_ key: Key) throws(BPFError) -> Bool {
        try deleteMapKey(key, fd: fd, what: "per-CPU map \(name)")
    }
}

/// A zero-filled value of a C struct type.
@inline(__always)
func zeroedValue<T: BitwiseCopyable>(_ type: T.Type) -> T {
    withUnsafeTemporaryAllocation(of: T.self, capacity: 1) { buffer in
        let raw = UnsafeMutableRawPointer(buffer.baseAddress!)
        memset(raw, 0, MemoryLayout<T>.size)
        return raw.load(as: T.self)
    }
}

/// A heap allocation of one `T` with every byte zero (padding included); the caller deallocates it.
func zeroedPointer<T>(_ type: T.Type) -> UnsafeMutablePointer<T> {
    let pointer = UnsafeMutablePointer<T>.allocate(capacity: 1)
    memset(pointer, 0, MemoryLayout<T>.stride)
    return pointer
}

/// Removes `key` from the map `fd`; false when it was absent. `what` names the map in errors.
func deleteMapKey<Key: BitwiseCopyable>(_ key: Key, fd: Int32, what: String) throws(BPFError) -> Bool {
    var key = key
    let rc = bpf_map_delete_elem(fd, &key)
    if rc == 0 { return true }
    if -rc == ENOENT { return false }
    throw BPFError.from("delete from \(what)", result: rc)
}

func mapKeys<Key: BitwiseCopyable>(fd: Int32, name: String, limit: Int, as: Key.Type) throws(BPFError) -> [Key] {
    var result: [Key] = []
    var current = zeroedValue(Key.self)
    var next = zeroedValue(Key.self)
    var rc = bpf_map_get_next_key(fd, nil, &next)
    while rc == 0 && result.count < limit {
        result.append(next)
        current = next
        rc = bpf_map_get_next_key(fd, &current, &next)
    }
    if rc != 0 && -rc != ENOENT { throw BPFError.from("iterate map \(name)", result: rc) }
    return result
}
