import ArgumentParser

/// Options shared by `run` and `cleanup`.
struct DatapathOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Directory on a BPF filesystem where maps are pinned and reused.", valueName: "dir"))
    var bpffs = "/sys/fs/bpf/swiftlb"
}
