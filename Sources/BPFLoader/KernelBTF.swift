import CLibBPF

/// What the running kernel's own BTF (/sys/kernel/btf/vmlinux) says it offers.
public enum KernelBTF {
    /// BTF_KIND_FUNC (linux/btf.h), which Swift imports twice under that name.
    private static let functionKind: UInt32 = 12

    /// Whether the kernel has a function (a kfunc, for instance) called `name`. False when the
    /// kernel has no BTF at all.
    public static func hasFunction(_ name: String) -> Bool {
        guard let btf = btf__load_vmlinux_btf(), libbpf_get_error(UnsafeRawPointer(btf)) == 0 else {
            return false
        }
        defer { btf__free(btf) }
        return btf__find_by_name_kind(btf, name, functionKind) > 0
    }
}
