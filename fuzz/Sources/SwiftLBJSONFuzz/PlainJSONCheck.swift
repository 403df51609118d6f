import Foundation
import SwiftLBCore

/// The load-balancer entry's shortcuts (`LoxiJSON.decodeEntryRequest`, `decodeEntry`,
/// `encodeEntry`) must be invisible: the same entry or the same error as the generic decoding,
/// and the same bytes as JSONEncoder.
enum PlainJSONCheck {
    static func check(_ body: Data) {
        let generic = Result { () throws(APIError) in try LoxiJSON.decodeRequest(LoadBalancerEntry.self, from: body) }
        let shortcut = Result { () throws(APIError) in try LoxiJSON.decodeEntryRequest(from: body) }
        guard generic == shortcut else {
            FuzzInvariant.fail("decodeEntryRequest gave \(shortcut), decodeRequest \(generic)")
        }
        let stored = Result { () throws(APIError) in try LoxiJSON.decode(LoadBalancerEntry.self, from: body) }
        let storedShortcut = Result { () throws(APIError) in try LoxiJSON.decodeEntry(from: body) }
        guard stored == storedShortcut else {
            FuzzInvariant.fail("decodeEntry gave \(storedShortcut), decode \(stored)")
        }
        if case .success(let entry) = stored { checkEncoding(entry) }
    }

    /// The config store writes `encodeEntry`'s bytes; they must be `encode`'s.
    static func checkEncoding(_ entry: LoadBalancerEntry) {
        let fast = LoxiJSON.encodeEntry(entry)
        let generic = LoxiJSON.encode(entry)
        guard fast == generic else {
            FuzzInvariant.fail(
                "encodeEntry wrote \(String(decoding: fast, as: UTF8.self)), encode "
                    + "\(String(decoding: generic, as: UTF8.self))")
        }
    }
}
