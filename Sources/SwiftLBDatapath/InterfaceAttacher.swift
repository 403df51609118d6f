import BPFLoader
import Logging

/// Keeps SwiftLB's programs attached to the TC ingress and egress hooks of the chosen interfaces
/// of this network namespace: every non-loopback interface, or only the named ones.
public final class InterfaceAttacher: @unchecked Sendable {
    private let ingress: BPFProgram
    private let egress: BPFProgram
    private let only: Set<String>?
    private let logger: Logger
    // Touched only from the single task that runs `sync`, and from `detachAll` after it ended.
    private var attached: [Int32: String] = [:]
    // True while listing the interfaces fails (logged when it starts and when it ends).
    private var listingFails = false

    /// `only` limits attachment to these interface names; nil means all but loopback.
    public init(ingress: BPFProgram, egress: BPFProgram, only: Set<String>?, logger: Logger) {
        self.ingress = ingress
        self.egress = egress
        self.only = only
        self.logger = logger
    }

    /// Interfaces currently attached, sorted by name.
    public var attachedNames: [String] { attached.values.sorted() }

    /// Attaches to interfaces that appeared since the last call and forgets those that vanished.
    /// Returns the names newly attached. A failure on one interface is logged and retried next time.
    @discardableResult
    public func sync() -> [String] {
        guard let listed = NetworkInterface.list() else {
            if !listingFails {
                listingFails = true
                logger.warning("cannot list the interfaces (out of descriptors?); keeping the attached ones")
            }
            return []
        }
        if listingFails {
            listingFails = false
            logger.notice("listing the interfaces works again")
        }
        let present = listed.filter { !$0.isLoopback && (only?.contains($0.name) ?? true) }
        let presentIndexes = Set(present.map(\.index))
        for (index, name) in attached where !presentIndexes.contains(index) {
            attached[index] = nil
            logger.info("interface gone", metadata: ["interface": "\(name)"])
        }
        var newlyAttached: [String] = []
        for interface in present where attached[interface.index] != interface.name {
            do {
                try TrafficControl.attach(ingress, ifindex: interface.index, direction: .ingress)
                try TrafficControl.attach(egress, ifindex: interface.index, direction: .egress)
                attached[interface.index] = interface.name
                newlyAttached.append(interface.name)
                logger.info("attached", metadata: ["interface": "\(interface.name)", "ifindex": "\(interface.index)"])
            } catch {
                logger.error("attach failed", metadata: ["interface": "\(interface.name)", "error": "\(error)"])
            }
        }
        return newlyAttached
    }

    /// Names in `only` that do not exist in this namespace (for a start-up warning).
    public func missingRequestedInterfaces() -> [String] {
        guard let only else { return [] }
        let names = Set(NetworkInterface.all().map(\.name))
        return only.subtracting(names).sorted()
    }

    /// Detaches from every interface this attacher attached to.
    public func detachAll() {
        for (index, name) in attached {
            for direction in TrafficControl.Direction.allCases {
                do {
                    try TrafficControl.detach(ifindex: index, direction: direction)
                } catch {
                    logger.warning("detach failed", metadata: ["interface": "\(name)", "error": "\(error)"])
                }
            }
            logger.info("detached", metadata: ["interface": "\(name)"])
        }
        attached = [:]
    }

    /// Detaches SwiftLB's programs from every interface of this namespace, attached by any run.
    public static func detachEverywhere() -> [String] {
        var names: [String] = []
        for interface in NetworkInterface.all() where !interface.isLoopback {
            var removed = false
            for direction in TrafficControl.Direction.allCases {
                removed =
                    ((try? TrafficControl.detach(ifindex: interface.index, direction: direction)) ?? false) || removed
            }
            if removed { names.append(interface.name) }
        }
        return names
    }
}
