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
        var hook = makeHook(ifindex: ifindex, direction: direction)
        let created = bpf_tc_hook_create(&hook)
        if created != 0 && -created != EEXIST {
            throw BPFError.from("create clsact qdisc on ifindex \(ifindex)", result: created)
        }
        var opts = makeOpts()
        opts.prog_fd = program.fd
        opts.flags = UInt32(BPF_TC_F_REPLACE.rawValue)
        let rc = bpf_tc_attach(&hook, &opts)
        guard rc == 0 else {
            throw BPFError.from("attach \(program.name) to ifindex \(ifindex) \(direction.rawValue)", result: rc)
        }
    }

    /// Removes SwiftLB's program from `direction` of `ifindex`; false when none was attached.
    @discardableResult
    public static func detach(ifindex: Int32, direction: Direction) throws(BPFError) -> Bool {
        var hook = makeHook(ifindex: ifindex, direction: direction)
        var opts = makeOpts()
        let rc = bpf_tc_detach(&hook, &opts)
        if rc == 0 { return true }
        if -rc == ENOENT || -rc == EINVAL || -rc == ENODEV { return false }
        throw BPFError.from("detach from ifindex \(ifindex) \(direction.rawValue)", result: rc)
    }

    /// The id of the program SwiftLB has attached at `direction` of `ifindex`, if any.
    public static func attachedProgramID(ifindex: Int32, direction: Direction) -> UInt32? {
        var hook = makeHook(ifindex: ifindex, direction: direction)
        var opts = makeOpts()
        guard bpf_tc_query(&hook, &opts) == 0 else { return nil }
        return opts.prog_id
    }

    private static func makeHook(ifindex: Int32, direction: Direction) -> bpf_tc_hook {
        var hook = bpf_tc_hook()
        hook.sz = MemoryLayout<bpf_tc_hook>.size
        hook.ifindex = ifindex
        hook.attach_point = direction.attachPoint
        return hook
    }

    private static func makeOpts() -> bpf_tc_opts {
        var opts = bpf_tc_opts()
        opts.sz = MemoryLayout<bpf_tc_opts>.size
        opts.handle = handle
        opts.priority = priority
        return opts
    }
}
