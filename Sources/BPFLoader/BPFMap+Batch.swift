import CLibBPF

#if canImport(Glibc)
    import Glibc
#endif

// Many keys in one system call (BPF_MAP_UPDATE_BATCH, Linux 5.6+): programming a service writes
// dozens of counter slots, one syscall each otherwise. A kernel or map type without batch support
// gets the same writes one key at a time.

extension BPFMap {
    /// Stores `value` under every key of `keys`.
    public func update(_ keys: [Key], _ value: Value) throws(BPFError) {
        guard !keys.isEmpty else { return }
        let values = [Value](repeating: value, count: keys.count)
        let rc = values.withUnsafeBytes { batchUpdate(fd: fd, keys: keys, values: $0.baseAddress!) }
        if rc == 0 { return }
        guard batchUnsupported(rc) else { throw BPFError.from("batch update map \(name)", result: rc) }
        for key in keys { try update(key, value) }
    }
}

extension BPFPerCPUMap {
    /// Sets every CPU's value under every key of `keys` to `value`.
    public func update(_ keys: [Key], allCPUs value: Value) throws(BPFError) {
        guard !keys.isEmpty else { return }
        let stride = Self.stride
        let perKey = stride * Self.cpuCount
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: perKey * keys.count, alignment: 8)
        defer { buffer.deallocate() }
        memset(buffer, 0, perKey * keys.count)
        for slot in 0..<(keys.count * Self.cpuCount) {
            buffer.storeBytes(of: value, toByteOffset: slot * stride, as: Value.self)
        }
        let rc = batchUpdate(fd: fd, keys: keys, values: UnsafeRawPointer(buffer))
        if rc == 0 { return }
        guard batchUnsupported(rc) else { throw BPFError.from("batch update per-CPU map \(name)", result: rc) }
        for key in keys { try update(key, allCPUs: value) }
    }
}

/// BPF_MAP_UPDATE_BATCH of `keys` to the values laid out one after the other at `values`; libbpf's
/// result.
private func batchUpdate<Key>(fd: Int32, keys: [Key], values: UnsafeRawPointer) -> Int32 {
    var keyCopy = keys
    var count = UInt32(keys.count)
    var options = bpf_map_batch_opts()
    options.sz = MemoryLayout<bpf_map_batch_opts>.size
    return keyCopy.withUnsafeMutableBytes { keyBytes in
        bpf_map_update_batch(fd, keyBytes.baseAddress, values, &count, &options)
    }
}

/// True when the kernel or the map type has no batch operations (fall back to one key at a time).
private func batchUnsupported(_ rc: Int32) -> Bool {
    let code = rc < 0 ? -rc : errno
    return code == EINVAL || code == 524 /* ENOTSUPP */ || code == EOPNOTSUPP || code == ENOSYS
}
