import Testing

@testable import BPFLoader

#if canImport(Glibc)
    import Glibc
#endif

/// The advice printed when loading the datapath object fails: the kernel answers a verifier
/// refusal and missing privileges with the same EACCES, so the hint depends on who asked.
@Suite struct BPFLoadHintTests {
    @Test func eaccesAsRootBlamesTheVerifierOtherwisePrivileges() {
        let load = BPFObject.loadHint(code: EACCES, pinRoot: nil)
        let error = BPFError.from("load BPF object swiftlb", result: -EACCES, hint: load)
        if geteuid() == 0 {
            #expect(load?.contains("verifier refused") == true)
            #expect(error.description.contains("verifier refused"))
            #expect(!error.description.contains("needs root"))
        } else {
            #expect(load == nil)
            #expect(error.description.contains("needs root"))
        }
    }

    @Test func einvalWithPinsSuggestsCleanupWithoutPinsNothing() {
        #expect(BPFObject.loadHint(code: EINVAL, pinRoot: "/sys/fs/bpf/swiftlb")?.contains("swiftlb cleanup") == true)
        #expect(BPFObject.loadHint(code: EINVAL, pinRoot: nil) == nil)
    }
}
