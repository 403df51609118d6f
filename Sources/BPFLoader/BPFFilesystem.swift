import CLibBPF

#if canImport(Glibc)
    import Glibc
#endif

/// The BPF filesystem where maps are pinned.
public enum BPFFilesystem {
    static let magic: Int = 0xcafe_4a11
    static let defaultMount = "/sys/fs/bpf"

    /// Makes sure `pinRoot` lies on a bpffs and exists; mounts bpffs at /sys/fs/bpf when that is
    /// where the root lies and nothing is mounted yet.
    public static func prepare(pinRoot: String) throws(BPFError) {
        let parent = String(
            pinRoot.split(separator: "/", omittingEmptySubsequences: false).dropLast()
                .joined(separator: "/"))
        let base = parent.isEmpty ? "/" : parent
        if !isBPFFS(base) && pinRoot.hasPrefix(defaultMount + "/") && !isBPFFS(defaultMount) {
            mkdir(defaultMount, 0o700)
            if mount("bpf", defaultMount, "bpf", 0, nil) != 0 {
                throw BPFError.from("mount bpffs at \(defaultMount)", result: -errno)
            }
        }
        guard isBPFFS(base) else {
            throw BPFError(
                operation: "use \(pinRoot) as pin directory", code: ENOTDIR,
                hint: "\(base) is not a BPF filesystem; mount one with `mount -t bpf bpf \(base)`")
        }
        if mkdir(pinRoot, 0o700) != 0 && errno != EEXIST {
            throw BPFError.from("create pin directory \(pinRoot)", result: -errno)
        }
    }

    /// True when `path` is on a mounted BPF filesystem.
    public static func isBPFFS(_ path: String) -> Bool {
        var info = statfs()
        guard statfs(path, &info) == 0 else { return false }
        return Int(info.f_type) == magic
    }

    /// Removes the pinned files directly under `pinRoot`, then the directory itself.
    public static func removePins(pinRoot: String) throws(BPFError) {
        guard let dir = opendir(pinRoot) else {
            if errno == ENOENT { return }
            throw BPFError.from("open pin directory \(pinRoot)", result: -errno)
        }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        closedir(dir)
        for name in names where unlink(pinRoot + "/" + name) != 0 {
            throw BPFError.from("remove pin \(pinRoot)/\(name)", result: -errno)
        }
        if rmdir(pinRoot) != 0 && errno != ENOENT {
            throw BPFError.from("remove pin directory \(pinRoot)", result: -errno)
        }
    }
}
