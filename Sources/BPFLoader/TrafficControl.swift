import CLibBPF

#if canImport(Glibc)
    import Glibc
#endif

/// Attaches programs to the TC (clsact) hooks of network interfaces.
public enum TrafficControl {
    /// Which hook of an interface.
    public enum Direction: String, Sendable, CaseIterable {
        case ingress, egress

        var attachPoint: bpf_tc_attach_point { self == .ingress ? BPF_TC_INGRESS : BPF_TC_EGRESS }
    }

    /// The filter handle and priority SwiftLB uses; replacing at the same pair is atomic.
    public static let handle: UInt32 = 0x5b1
    public static let priority: UInt32 = 1

    /// Attaches `program` to `direction` of interface `ifindex`, replacing SwiftLB's previous
    /// program there atomically. Creates the clsact qdisc when missing.
    public static func attach(_ program: BPFProgram, ifindex: Int32, direction: Direction) throws(BPFError) {
        LibBPFLog.installed
        let hook = makeHook(ifindex: ifindex, direction: direction)
        defer { hook.deallocate() }
        let created = bpf_tc_hook_create(hook)
        if created != 0 && -created != EEXIST {
            throw BPFError.from("create clsact qdisc on ifindex \(ifindex)", result: created)
        }
        let opts = makeOpts()
        defer { opts.deallocate() }
        opts.pointee.prog_fd = program.fd
        opts.pointee.flags = UInt32(BPF_TC_F_REPLACE.rawValue)
        let rc = bpf_tc_attach(hook, opts)
        guard rc == 0 else {
            throw BPFError.from("attach \(program.name) to ifindex \(ifindex) \(direction.rawValue)", result: rc)
        }
    }

    /// Removes SwiftLB's program from `direction` of `ifindex`; false when none was attached.
    @discardableResult
    public static func detach(ifindex: Int32, direction: Direction) throws(BPFError) -> Bool {
        LibBPFLog.installed
        let hook = makeHook(ifindex: ifindex, direction: direction)
        let opts = makeOpts()
        defer {
            hook.deallocate()
            opts.deallocate()
        }
        let rc = bpf_tc_detach(hook, opts)
        if rc == 0 { return true }
        if -rc == ENOENT || -rc == EINVAL || -rc == ENODEV { return false }
        throw BPFError.from("detach from ifindex \(ifindex) \(direction.rawValue)", result: rc)
    }

    // libbpf rejects option structs whose bytes past the last known field are not zero, and a
    // Swift value copy does not preserve padding: build them in zeroed memory and pass pointers.
    private static func makeHook(ifindex: Int32, direction: Direction) -> UnsafeMutablePointer<bpf_tc_hook> {
        let hook = zeroedPointer(bpf_tc_hook.self)
        hook.pointee.sz = MemoryLayout<bpf_tc_hook>.size
        hook.pointee.ifindex = ifindex
        hook.pointee.attach_point = direction.attachPoint
        return hook
    }

    private static func makeOpts() -> UnsafeMutablePointer<bpf_tc_opts> {
        let opts = zeroedPointer(bpf_tc_opts.self)
        opts.pointee.sz = MemoryLayout<bpf_tc_opts>.size
        opts.pointee.handle = handle
        opts.pointee.priority = priority
        return opts
    }
}
