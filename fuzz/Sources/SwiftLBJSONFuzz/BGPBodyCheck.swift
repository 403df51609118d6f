import Foundation
import SwiftLBCore

/// `POST /config/bgp/global` and `POST /config/bgp/neigh`: `BGPGlobalConfig` and `BGPNeighbor` with
/// `BGPValidator`, the first step of `BGPDesiredState.setGlobal` and `addNeighbor`.
enum BGPBodyCheck {
    /// Decodes and validates a global config; the saved form must validate to the same settings.
    static func checkGlobal(_ body: Data) {
        guard let config = FuzzInvariant.decode(BGPGlobalConfig.self, from: body) else { return }
        FuzzInvariant.storeRoundTrip(config, what: "BGP global config")
        let settings: BGPSettings
        do {
            settings = try BGPValidator.global(config)
        } catch {
            Trace.note("BGP global config", "rejected: \(error.message)")
            FuzzInvariant.checkErrorBody(error)
            return
        }
        Trace.note("BGP global config", "accepted")
        let stored = FuzzInvariant.storeRoundTrip(settings.config, what: "saved BGP global config")
        do {
            let again = try BGPValidator.global(stored)
            guard again == settings else { FuzzInvariant.fail("BGP global restores as \(again), not \(settings)") }
        } catch {
            FuzzInvariant.fail("an accepted BGP global config is rejected on restore: \(error.message)")
        }
    }

    /// Decodes and validates a neighbor; the saved form must validate to the same peer.
    static func checkNeighbor(_ body: Data) {
        guard let config = FuzzInvariant.decode(BGPNeighbor.self, from: body) else { return }
        FuzzInvariant.storeRoundTrip(config, what: "BGP neighbor")
        let peer: BGPPeer
        do {
            peer = try BGPValidator.neighbor(config)
        } catch {
            Trace.note("BGP neighbor", "rejected: \(error.message)")
            FuzzInvariant.checkErrorBody(error)
            return
        }
        Trace.note("BGP neighbor", "accepted")
        let stored = FuzzInvariant.storeRoundTrip(peer.config, what: "saved BGP neighbor")
        do {
            let again = try BGPValidator.neighbor(stored)
            guard again == peer else { FuzzInvariant.fail("BGP neighbor restores as \(again), not \(peer)") }
        } catch {
            FuzzInvariant.fail("an accepted BGP neighbor is rejected on restore: \(error.message)")
        }
    }
}
