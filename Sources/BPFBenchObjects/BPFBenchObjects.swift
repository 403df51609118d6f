import BPFObjects

/// Benchmark-only BPF objects (`bpf/bench`): the repeat wrapper and the no-op floor. The
/// daemon never links them.
public enum BPFBenchObjects {
    /// The ELF bytes of the object called `name`, or nil when no such program was compiled.
    public static func object(named name: String) -> [UInt8]? {
        BPFObjects.object(named: name, in: GeneratedBPFObjects.objects)
    }
}
