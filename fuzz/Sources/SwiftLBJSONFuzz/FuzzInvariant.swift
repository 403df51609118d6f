import Foundation
import SwiftLBCore

/// The properties every body must keep, shared by the per-type checks.
enum FuzzInvariant {
    /// Reports a broken property and aborts, so that libFuzzer records the input as a crash.
    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("fuzz-json finding: \(message)\n".utf8))
        abort()
    }

    /// Decodes `body` as the POST handlers do (`decodeRequest`: the integer check, then `decode`); nil
    /// when it is rejected (after checking the error's body).
    static func decode<T: Decodable>(_ type: T.Type, from body: Data) -> T? {
        do {
            return try LoxiJSON.decodeRequest(type, from: body)
        } catch {
            Trace.note("\(T.self)", "not decoded: \(error.message)")
            checkErrorBody(error)
            return nil
        }
    }

    /// Saves `value` as the SQLite config store does and reads it back as restore does; the two must
    /// be equal, or a restart would change what the client was told.
    @discardableResult
    static func storeRoundTrip<T: Codable & Equatable>(_ value: T, what: String) -> T {
        let json = String(decoding: LoxiJSON.encode(value), as: UTF8.self)
        let back: T
        do {
            back = try LoxiJSON.decode(T.self, from: Data(json.utf8))
        } catch {
            fail("\(what): its encoding \(json) does not decode (\(error))")
        }
        guard back == value else {
            fail("\(what): its encoding \(json) decodes to \(back), not \(value)")
        }
        return back
    }

    /// The rejection's answer (`ErrorMiddleware` encodes `error.model`) must encode, and decode again
    /// as `swiftlbctl` reads it, with a 4xx or 5xx status.
    static func checkErrorBody(_ error: APIError) {
        guard (400...599).contains(error.status) else {
            fail("a rejection has status \(error.status), not 4xx or 5xx: \(error.message)")
        }
        storeRoundTrip(error.model, what: "error body")
    }
}
