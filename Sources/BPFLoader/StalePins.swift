import CLibBPF

#if canImport(Glibc)
    import Glibc
#endif

/// Removes pinned maps that an opened object could not reuse, before it loads.
///
/// libbpf refuses a pinned map whose type, sizes or flags differ from the object's definition
/// (the load fails with EINVAL). For maps whose contents the caller writes again after every
/// load (services, endpoints, tables: the daemon reprograms every rule on start) a new size or
/// layout should simply give a new map; the old one lives on while a program still uses it.
enum StalePins {
    /// Unlinks `<pinRoot>/<name>` for each map of `object` named in `names` whose pin exists but
    /// differs from the object's definition. Returns the names removed.
    static func remove(_ names: Set<String>, of object: OpaquePointer, pinRoot: String) throws(BPFError)
        -> [String]
    {
        var removed: [String] = []
        for name in names.sorted() {
            guard let map = bpf_object__find_map_by_name(object, name) else { continue }
            let path = pinRoot + "/" + name
            let fd = bpf_obj_get(path)
            guard fd >= 0 else { continue }  // nothing pinned: the load creates it
            let info = try? BPFMapInfo(fd: fd, name: name)
            close(fd)
            let wanted = (
                bpf_map__type(map).rawValue, bpf_map__key_size(map), bpf_map__value_size(map),
                bpf_map__max_entries(map), bpf_map__map_flags(map)
            )
            if let info, (info.type, info.keySize, info.valueSize, info.maxEntries, info.flags) == wanted {
                continue
            }
            guard unlink(path) == 0 else { throw BPFError.from("remove the stale pin \(path)", result: -errno) }
            removed.append(name)
        }
        return removed
    }
}
