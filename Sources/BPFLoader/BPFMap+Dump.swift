import CLibBPF

#if canImport(Glibc)
    import Glibc
#endif

// Reading a whole hash map one key at a time costs two system calls per entry (next key, then
// lookup): 200,000 for the open-flow counts of 100,000 services every conntrack sweep.
// BPF_MAP_LOOKUP_BATCH (Linux 5.6+) reads thousands of entries per call.

extension BPFMap {
    /// Every entry of the map, at most `limit`, read `chunk` at a time with BPF_MAP_LOOKUP_BATCH; a
    /// kernel or map type without it gets `keys()` and one lookup each. Entries that change during
    /// the read may be missed or seen twice, as with any walk of a live map.
    public func entries(limit: Int = Int.max, chunk: Int = 4096) throws(BPFError) -> [(key: Key, value: Value)] {
        var result: [(key: Key, value: Value)] = []
        var size = max(chunk, 1)
        // The kernel's batch position token: a bucket index for hash maps, a key for arrays.
        var token = [UInt8](repeating: 0, count: max(MemoryLayout<Key>.size, 8))
        var next = token
        var first = true
        while result.count < limit {
            var keys = [Key](repeating: zeroedValue(Key.self), count: size)
            var values = [Value](repeating: zeroedValue(Value.self), count: size)
            var count = UInt32(size)
            var options = bpf_map_batch_opts()
            options.sz = MemoryLayout<bpf_map_batch_opts>.size
            let rc = token.withUnsafeMutableBytes { inBatch in
                next.withUnsafeMutableBytes { outBatch in
                    keys.withUnsafeMutableBytes { keyBytes in
                        values.withUnsafeMutableBytes { valueBytes in
                            bpf_map_lookup_batch(
                                fd, first ? nil : inBatch.baseAddress, outBatch.baseAddress, keyBytes.baseAddress,
                                valueBytes.baseAddress, &count, &options)
                        }
                    }
                }
            }
            let code = rc == 0 ? 0 : (rc < 0 ? -rc : errno)
            if code == ENOSPC && size < (1 << 20) {
                size *= 2  // one bucket holds more entries than a chunk: read it whole
                continue
            }
            if code != 0 && code != ENOENT {
                guard first, code == EINVAL || code == 524 /* ENOTSUPP */ || code == EOPNOTSUPP else {
                    throw BPFError.from("batch lookup in map \(name)", result: -code)
                }
                return try entriesOneByOne(limit: limit)
            }
            for index in 0..<Int(count) where result.count < limit { result.append((keys[index], values[index])) }
            if code == ENOENT { break }  // the last chunk
            token = next
            first = false
        }
        return result
    }

    private func entriesOneByOne(limit: Int) throws(BPFError) -> [(key: Key, value: Value)] {
        var result: [(key: Key, value: Value)] = []
        for key in try keys(limit: limit) {
            if let value = try lookup(key) { result.append((key, value)) }
        }
        return result
    }
}
