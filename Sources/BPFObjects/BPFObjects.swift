import Foundation

/// The datapath's compiled BPF objects, built from `bpf/progs` by the BPFCompilerPlugin.
public enum BPFObjects {
    /// Name of the main load-balancer object (`bpf/progs/swiftlb.bpf.c`).
    public static let datapathName = "swiftlb"

    /// Names of every embedded object, sorted.
    public static var names: [String] { GeneratedBPFObjects.objects.keys.sorted() }

    /// The ELF bytes of the object called `name`, or nil when no such program was compiled.
    public static func object(named name: String) -> [UInt8]? {
        guard let encoded = GeneratedBPFObjects.objects[name],
            let data = Data(base64Encoded: encoded)
        else { return nil }
        return [UInt8](data)
    }
}
