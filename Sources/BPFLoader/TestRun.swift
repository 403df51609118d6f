import CLibBPF

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a loaded TC program on one packet in the kernel (BPF_PROG_TEST_RUN), without sending it.
public enum TestRun {
    /// What the program returned and the packet as it left the program.
    public struct Result: Sendable {
        /// The program's verdict (TC_ACT_OK = 0, TC_ACT_SHOT = 2, TC_ACT_REDIRECT = 7).
        public var verdict: UInt32
        /// The packet bytes after the program ran.
        public var packet: [UInt8]
        /// Kernel-measured run time per repetition in nanoseconds.
        public var durationNanoseconds: UInt32
        /// skb->mark as the program left it (0 unless `ifindex` was given: the context is only
        /// passed, and read back, with a device).
        public var mark: UInt32 = 0
    }

    /// Runs `program` on `packet`. `ifindex` sets the device the packet appears on (0 = loopback).
    /// With `repeat` > 1 the kernel re-runs the program on the packet the previous run rewrote.
    /// `mark` is the packet's skb->mark; `gsoSize` and `gsoSegs` make it a GSO packet as GRO or
    /// TSO would (both passed only with an `ifindex`).
    public static func run(
        _ program: BPFProgram, packet: [UInt8], ifindex: Int32 = 0, repeat: Int32 = 1, mark: UInt32 = 0,
        gsoSize: UInt32 = 0, gsoSegs: UInt32 = 0
    ) throws(BPFError) -> Result {
        var output = [UInt8](repeating: 0, count: max(packet.count + 256, 2048))
        var ctx = __sk_buff()
        ctx.ifindex = UInt32(ifindex)
        ctx.mark = mark
        ctx.gso_size = gsoSize
        ctx.gso_segs = gsoSegs
        // Zeroed memory: libbpf rejects non-zero bytes past the fields it knows.
        let opts = zeroedPointer(bpf_test_run_opts.self)
        defer { opts.deallocate() }
        opts.pointee.sz = MemoryLayout<bpf_test_run_opts>.size
        opts.pointee.data_size_in = UInt32(packet.count)
        opts.pointee.data_size_out = UInt32(output.count)
        opts.pointee.repeat = `repeat`
        let outputCount = output.count
        let rc = packet.withUnsafeBytes { input in
            output.withUnsafeMutableBytes { out in
                withUnsafeMutablePointer(to: &ctx) { ctxPointer in
                    opts.pointee.data_in = input.baseAddress
                    opts.pointee.data_out = out.baseAddress
                    if ifindex > 0 {
                        opts.pointee.ctx_in = UnsafeRawPointer(ctxPointer)
                        opts.pointee.ctx_size_in = UInt32(MemoryLayout<__sk_buff>.size)
                        // Read back into the same buffer once the program ran, for skb->mark.
                        opts.pointee.ctx_out = UnsafeMutableRawPointer(ctxPointer)
                        opts.pointee.ctx_size_out = UInt32(MemoryLayout<__sk_buff>.size)
                    }
                    return bpf_prog_test_run_opts(program.fd, opts)
                }
            }
        }
        guard rc == 0 else { throw BPFError.from("test-run \(program.name)", result: rc) }
        let length = min(Int(opts.pointee.data_size_out), outputCount)
        return Result(
            verdict: opts.pointee.retval, packet: Array(output[..<length]), durationNanoseconds: opts.pointee.duration,
            mark: ctx.mark)
    }
}
