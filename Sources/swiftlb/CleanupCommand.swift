import ArgumentParser
import BPFLoader
import SwiftLBDatapath

/// `swiftlb cleanup`: detaches SwiftLB from every interface of this namespace and removes its pins.
struct CleanupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cleanup",
        abstract: "Detach the datapath from all interfaces of this network namespace and remove its pinned maps.",
        discussion:
            "Live connections through the load balancer stop being translated. The stored configuration is kept.")

    @OptionGroup var datapath: DatapathOptions

    func run() throws {
        let detached = InterfaceAttacher.detachEverywhere()
        print(
            detached.isEmpty
                ? "no interface had SwiftLB attached" : "detached from: \(detached.joined(separator: ", "))")
        do {
            try BPFFilesystem.removePins(pinRoot: datapath.bpffs)
        } catch {
            throw ValidationError("could not remove pins: \(error)")
        }
        print("removed pinned maps under \(datapath.bpffs)")
        do {
            try GSOResegmentPair().remove()
        } catch {
            throw ValidationError("could not remove the GSO resegmenting pair: \(error)")
        }
    }
}
