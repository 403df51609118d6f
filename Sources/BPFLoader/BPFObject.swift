import CLibBPF

#if canImport(Glibc)
    import Glibc
#endif

/// A loaded BPF object file: its programs passed the verifier and its maps exist in the kernel.
///
/// With a pin root, maps declared with `LIBBPF_PIN_BY_NAME` are reused from `<root>/<map name>`
/// when present (so a restarted daemon keeps its conntrack table) and pinned there otherwise.
/// Without one, nothing is pinned and everything is freed when the object is closed.
public final class BPFObject: @unchecked Sendable {
    // libbpf objects are not thread-safe for mutation; after load we only read fds, which is safe.
    private let object: OpaquePointer
    /// The object's name (used in errors).
    public let name: String
    /// Maps whose stale pins were replaced by new, empty maps at load (see `init`).
    public let recreatedPins: [String]

    /// Opens `elf` and loads it into the kernel. `maxEntries` resizes the named maps before
    /// loading (a pinned map of another size is then not reused: load fails with EINVAL).
    /// `sections` gives read-only data sections (such as `.rodata.features`) their contents
    /// before loading: the verifier treats them as constants and removes code they switch off.
    /// A section the object lacks is skipped (objects of older builds, for A/B benchmarks); one
    /// of another size is an error. A pinned map named in `recreatable` that differs from its
    /// definition (another size or layout) is unpinned first and created anew (`StalePins`);
    /// `recreatedPins` lists those.
    public init(
        elf: [UInt8], name: String, pinRoot: String?, maxEntries: [String: UInt32] = [:],
        sections: [String: [UInt8]] = [:], recreatable: Set<String> = []
    ) throws(BPFError) {
        LibBPFLog.installed
        if let pinRoot { try BPFFilesystem.prepare(pinRoot: pinRoot) }
        // Zeroed memory: libbpf rejects non-zero bytes past the fields it knows.
        let opts = zeroedPointer(bpf_object_open_opts.self)
        defer { opts.deallocate() }
        opts.pointee.sz = MemoryLayout<bpf_object_open_opts>.size
        let opened: OpaquePointer? = name.withCString { cName in
            let root = pinRoot.map { strdup($0) } ?? nil
            defer { free(root) }
            opts.pointee.object_name = cName
            opts.pointee.pin_root_path = UnsafePointer(root)
            return elf.withUnsafeBytes { bytes in
                bpf_object__open_mem(bytes.baseAddress, bytes.count, opts)
            }
        }
        guard let opened, libbpf_get_error(UnsafeRawPointer(opened)) == 0 else {
            throw BPFError.from("open BPF object \(name)", result: -errno)
        }
        if pinRoot == nil {
            var map = bpf_object__next_map(opened, nil)
            while let current = map {
                bpf_map__set_pin_path(current, nil)
                map = bpf_object__next_map(opened, current)
            }
        }
        for (mapName, entries) in maxEntries.sorted(by: { $0.key < $1.key }) {
            guard let map = bpf_object__find_map_by_name(opened, mapName) else {
                bpf_object__close(opened)
                throw BPFError(operation: "find map \(mapName) in \(name) to resize it", code: ENOENT)
            }
            let rc = bpf_map__set_max_entries(map, entries)
            guard rc == 0 else {
                bpf_object__close(opened)
                throw BPFError.from("set max_entries of \(mapName) to \(entries)", result: rc)
            }
        }
        for (section, bytes) in sections.sorted(by: { $0.key < $1.key }) {
            do throws(BPFError) {
                try Self.setContents(of: section, in: opened, to: bytes)
            } catch {
                bpf_object__close(opened)
                throw error
            }
        }
        var recreated: [String] = []
        if let pinRoot, !recreatable.isEmpty {
            do throws(BPFError) {
                recreated = try StalePins.remove(recreatable, of: opened, pinRoot: pinRoot)
            } catch {
                bpf_object__close(opened)
                throw error
            }
        }
        let loaded = bpf_object__load(opened)
        guard loaded == 0 else {
            bpf_object__close(opened)
            let hint = Self.loadHint(code: -loaded, pinRoot: pinRoot)
            throw BPFError.from("load BPF object \(name) (verifier log above)", result: loaded, hint: hint)
        }
        self.object = opened
        self.name = name
        self.recreatedPins = recreated
    }

    deinit { bpf_object__close(object) }

    /// Overwrites the initial contents of the data section `section` of an opened object.
    private static func setContents(of section: String, in object: OpaquePointer, to bytes: [UInt8])
        throws(BPFError)
    {
        guard let map = bpf_object__find_map_by_name(object, section) else { return }
        var size = 0
        guard let data = bpf_map__initial_value(map, &size), size == bytes.count else {
            throw BPFError(
                operation: "set data section \(section) (\(bytes.count) bytes; the object has \(size))",
                code: EINVAL)
        }
        // libbpf 1.1 hands out the section's buffer as const; it is ours to fill until load.
        bytes.withUnsafeBytes {
            UnsafeMutableRawPointer(mutating: data).copyMemory(from: $0.baseAddress!, byteCount: bytes.count)
        }
    }

    /// Advice for a failed object load. As root, EACCES means the verifier refused a program (the
    /// kernel reports that with the same errno as missing privileges), not a permission problem.
    static func loadHint(code: Int32, pinRoot: String?) -> String? {
        switch code {
        case EINVAL where pinRoot != nil:
            "a pinned map under \(pinRoot!) may have an older layout; run `swiftlb cleanup` to remove it"
        case EACCES where geteuid() == 0:
            "the kernel's verifier refused a program of this object (its log is above): "
                + "this datapath build does not load on this kernel"
        default: nil
        }
    }

    /// The file descriptor of the program called `name`.
    public func program(named name: String) throws(BPFError) -> BPFProgram {
        guard let program = bpf_object__find_program_by_name(object, name) else {
            throw BPFError(operation: "find program \(name) in \(self.name)", code: ENOENT)
        }
        return BPFProgram(name: name, fd: bpf_program__fd(program))
    }

    /// Pins the map called `name` at `path`, replacing whatever was pinned there: the previous
    /// pin's map loses that reference (a program array with no other user is then emptied).
    public func pinMap(named name: String, at path: String) throws(BPFError) {
        let fd = try mapFD(named: name)
        if unlink(path) != 0 && errno != ENOENT {
            throw BPFError.from("remove the old pin \(path)", result: -errno)
        }
        let rc = bpf_obj_pin(fd, path)
        guard rc == 0 else { throw BPFError.from("pin map \(name) at \(path)", result: rc) }
    }

    /// Whether the object declares a map called `name`.
    public func hasMap(named name: String) -> Bool {
        bpf_object__find_map_by_name(object, name) != nil
    }

    /// The file descriptor of the map called `name`.
    public func mapFD(named name: String) throws(BPFError) -> Int32 {
        guard let map = bpf_object__find_map_by_name(object, name) else {
            throw BPFError(operation: "find map \(name) in \(self.name)", code: ENOENT)
        }
        return bpf_map__fd(map)
    }

    /// A typed view of the map called `name`.
    public func map<Key: BitwiseCopyable, Value: BitwiseCopyable>(
        named name: String, key: Key.Type = Key.self, value: Value.Type = Value.self
    ) throws(BPFError) -> BPFMap<Key, Value> {
        BPFMap(name: name, fd: try mapFD(named: name))
    }

    /// A typed view of the per-CPU map called `name`.
    public func perCPUMap<Key: BitwiseCopyable, Value: BitwiseCopyable>(
        named name: String, key: Key.Type = Key.self, value: Value.Type = Value.self
    ) throws(BPFError) -> BPFPerCPUMap<Key, Value> {
        BPFPerCPUMap(name: name, fd: try mapFD(named: name))
    }
}

/// A loaded program.
public struct BPFProgram: Sendable {
    public let name: String
    public let fd: Int32
}
