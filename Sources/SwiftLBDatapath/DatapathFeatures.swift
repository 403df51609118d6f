import BPFLoader
import SwiftLBABI

/// The optional kernel features the datapath uses when the running kernel has them
/// (`struct slb_features`, the object's `.rodata.features` section); without them it takes
/// portable paths that every supported kernel (Linux 6.1 and later) verifies.
enum DatapathFeatures {
    /// The section the datapath object keeps its feature flags in.
    static let section = SLB_FEATURES_SECTION

    /// The flags for the running kernel.
    static func detect() -> slb_features {
        var features = slb_features()
        // Linux 6.2+: the checksum state is read directly and common rewrites skip the helpers.
        features.kern_ctx = KernelBTF.hasFunction("bpf_cast_to_kern_ctx") ? 1 : 0
        return features
    }

    /// `features` as the bytes of the section.
    static func sectionBytes(_ features: slb_features) -> [UInt8] {
        withUnsafeBytes(of: features) { Array($0) }
    }
}
