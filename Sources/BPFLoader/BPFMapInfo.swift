import CLibBPF

#if canImport(Glibc)
    import Glibc
#endif

/// What the kernel reports about a map: its type, sizes and flags.
public struct BPFMapInfo: Sendable, Equatable {
    /// `enum bpf_map_type` (BPF_MAP_TYPE_ARRAY is 2).
    public var type: UInt32
    public var keySize: UInt32
    public var valueSize: UInt32
    public var maxEntries: UInt32
    /// BPF_F_* flags the map was created with.
    public var flags: UInt32

    /// The info of the map behind `fd`; `name` is only used in errors.
    public init(fd: Int32, name: String) throws(BPFError) {
        // Zeroed memory, padding included: the kernel rejects non-zero bytes it does not fill.
        let info = zeroedPointer(bpf_map_info.self)
        defer { info.deallocate() }
        var length = UInt32(MemoryLayout<bpf_map_info>.size)
        let rc = bpf_obj_get_info_by_fd(fd, info, &length)
        guard rc == 0 else { throw BPFError.from("read the info of map \(name)", result: rc) }
        (type, keySize, valueSize) = (info.pointee.type, info.pointee.key_size, info.pointee.value_size)
        (maxEntries, flags) = (info.pointee.max_entries, info.pointee.map_flags)
    }

    /// Whether the map can be mapped into memory (an array created with BPF_F_MMAPABLE).
    public var isMmapable: Bool {
        type == BPF_MAP_TYPE_ARRAY.rawValue && flags & UInt32(BPF_F_MMAPABLE) != 0
    }
}
