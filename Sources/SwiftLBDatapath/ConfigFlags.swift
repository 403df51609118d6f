import BPFLoader
import SwiftLBABI
import Synchronization

/// slb_config's flags tell the programs which optional work to look for (conntrack events,
/// mirrors, policers, GTP-U sessions, SRv6 paths). Each is set by its own store, from its own
/// task, as a read-modify-write of the one shared entry: under one lock, so that two writers at
/// once cannot undo each other's bit.
enum ConfigFlags {
    private static let lock = Mutex(())

    /// Sets (`on`) or clears `flag` in entry 0 of `config`, keeping every other field.
    static func set(_ flag: UInt32, _ on: Bool, in config: BPFMap<UInt32, slb_config>) throws(BPFError) {
        try lock.withLock { _ throws(BPFError) in
            var settings = try config.lookup(0) ?? slb_config()
            settings.flags = on ? settings.flags | flag : settings.flags & ~flag
            try config.update(0, settings)
        }
    }
}
