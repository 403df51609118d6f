import CLibBPF

/// Hands freed heap pages back to the kernel. glibc keeps what a burst freed (a restore decoding
/// 10,000 rules, a GET of all of them) in its arenas: with 10,000 rules that was 40 MiB of RSS
/// holding nothing. Cheap enough to run after every conntrack sweep.
enum HeapTrim {
    /// Blocks from this size up get their own mapping, unmapped when freed.
    static let mmapThreshold: Int32 = 256 * 1024

    /// Call first thing at start. glibc raises its mmap threshold to the size of any mapped block
    /// that is freed (up to 32 MiB): once libbpf freed its 5.5 MiB parse of the kernel's BTF,
    /// later big blocks came from an arena's heap, whose top `malloc_trim` never returns for a
    /// thread's arena. That held 9 MiB of RSS at idle. A fixed threshold stops the adjustment.
    static func fixMmapThreshold() {
        _ = mallopt(M_MMAP_THRESHOLD, mmapThreshold)
    }

    static func releaseFreePages() {
        _ = malloc_trim(0)
    }
}
