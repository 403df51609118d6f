import Foundation

/// The datapath's compiled BPF objects, built from `bpf/progs` by the BPFCompilerPlugin.
public enum BPFObjects {
    /// Name of the main load-balancer object (`bpf/progs/swiftlb.bpf.c`).
    public static let datapathName = "swiftlb"

    /// Names of every embedded object, sorted.
    public static var names: [String] { GeneratedBPFObjects.objects.keys.sorted() }

    /// The ELF bytes of the object called `name`, or nil when no such program was compiled.
    /// With SWIFTLB_BPF_OBJECT_DIR set, `<dir>/<name>.bpf.o` is read instead of the embedded copy:
    /// a developer knob to compare datapath builds (bench A/B runs) without relinking Swift.
    public static func object(named name: String) -> [UInt8]? {
        object(named: name, in: GeneratedBPFObjects.objects)
    }

    /// The object called `name` from `table` (name -> base64 ELF, as the plugin generates it),
    /// or from SWIFTLB_BPF_OBJECT_DIR when set.
    public static func object(named name: String, in table: [String: String]) -> [UInt8]? {
        if let dir = ProcessInfo.processInfo.environment["SWIFTLB_BPF_OBJECT_DIR"], !dir.isEmpty {
            return FileManager.default.contents(atPath: "\(dir)/\(name).bpf.o").map { [UInt8]($0) }
        }
        guard let encoded = table[name],
            let data = Data(base64Encoded: encoded)
        else { return nil }
        return [UInt8](data)
    }
}
