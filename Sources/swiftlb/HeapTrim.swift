import CLibBPF

/// Hands freed heap pages back to the kernel. glibc keeps what a burst freed (a restore decoding
/// 10,000 rules, a GET of all of them) in its arenas: with 10,000 rules that was 40 MiB of RSS
/// holding nothing. Cheap enough to run after every conntrack sweep.
enum HeapTrim {
    static func releaseFreePages() {
        _ = malloc_trim(0)
    }
}
