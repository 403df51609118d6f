import Foundation
import PackagePlugin

/// Compiles every `bpf/progs/*.bpf.c` with the toolchain's clang (`-target bpf`) and embeds each
/// object as base64 in a generated Swift file, so the binaries carry their datapath with them.
/// For the target `BPFBenchObjects` it compiles `bpf/bench/*.bpf.c` instead: benchmark-only
/// programs stay out of the objects the daemon loads.
@main
struct BPFCompilerPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
        let root = context.package.directoryURL
        let bpfDir = root.appending(path: "bpf")
        let abiDir = root.appending(path: "Sources/SwiftLBABI/include")
        let fm = FileManager.default
        let programDir = target.name == "BPFBenchObjects" ? "bench" : "progs"
        var inputs: [URL] = []
        var programs: [URL] = []
        for sub in ["include", "lib", programDir] {
            let dir = bpfDir.appending(path: sub)
            let names = (try? fm.contentsOfDirectory(atPath: dir.path())) ?? []
            for name in names.sorted() where name.hasSuffix(".h") || name.hasSuffix(".c") {
                let file = dir.appending(path: name)
                inputs.append(file)
                if sub == programDir && name.hasSuffix(".bpf.c") { programs.append(file) }
            }
        }
        // Every shared header, not only swiftlb_abi.h: an edit to any of them must rebuild.
        let abiHeaders = ((try? fm.contentsOfDirectory(atPath: abiDir.path())) ?? []).filter { $0.hasSuffix(".h") }
        inputs += abiHeaders.sorted().map { abiDir.appending(path: $0) }
        let script = root.appending(path: "scripts/embed-bpf.sh")
        inputs.append(script)
        let clang = try context.tool(named: "clang").url
        let output = context.pluginWorkDirectoryURL.appending(path: "GeneratedBPFObjects.swift")
        let args =
            [script.path(), clang.path(), output.path(), bpfDir.path(), abiDir.path()]
            + programs.map { $0.path() }
        return [
            .buildCommand(
                displayName: "Compiling BPF programs (\(programs.count))",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: args,
                inputFiles: inputs,
                outputFiles: [output])
        ]
    }
}
