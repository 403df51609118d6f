import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOSSL

/// The API's TLS server context, built from a certificate chain and a private key (PEM files)
/// and rebuilt when either file changes, so a renewed certificate takes effect without a restart.
///
/// Files are checked at most once a second, when a connection arrives. A change that does not
/// load (a half-written file, a key that does not match) is logged and the previous context kept.
public final class ReloadingTLSContext: Sendable {
    /// The PEM files.
    public let certificatePath: String
    public let keyPath: String
    private let logger: Logger
    private let state: NIOLockedValueBox<State>

    private struct State {
        var context: NIOSSLContext
        var stamp: FileStamp
        var checked: Date
    }

    /// Loads the files; throws `APITLSError` naming the file that does not load.
    public init(certificatePath: String, keyPath: String, logger: Logger) throws {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
        self.logger = logger
        let stamp = FileStamp([certificatePath, keyPath])
        let context = try Self.load(certificatePath: certificatePath, keyPath: keyPath)
        state = NIOLockedValueBox(State(context: context, stamp: stamp, checked: Date()))
    }

    /// The context to use for a new connection, reloaded first if the files changed.
    public func current() -> NIOSSLContext {
        let now = Date()
        let due = state.withLockedValue { state -> FileStamp? in
            guard now.timeIntervalSince(state.checked) >= 1 else { return nil }
            state.checked = now
            let stamp = FileStamp([certificatePath, keyPath])
            return stamp == state.stamp ? nil : stamp
        }
        if let stamp = due { reload(stamp: stamp) }
        return state.withLockedValue { $0.context }
    }

    private func reload(stamp: FileStamp) {
        do {
            let context = try Self.load(certificatePath: certificatePath, keyPath: keyPath)
            state.withLockedValue {
                $0.context = context
                $0.stamp = stamp
            }
            logger.notice("API TLS certificate reloaded", metadata: ["certificate": "\(certificatePath)"])
        } catch {
            // Keep the stamp unchanged so the next check tries again (the file may be mid-write).
            logger.error("API TLS certificate not reloaded; keeping the previous one", metadata: ["error": "\(error)"])
        }
    }

    private static func load(certificatePath: String, keyPath: String) throws -> NIOSSLContext {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificatePath)
        } catch {
            throw APITLSError(file: certificatePath, reason: "not a PEM certificate chain (\(error))")
        }
        guard !chain.isEmpty else { throw APITLSError(file: certificatePath, reason: "holds no certificate") }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
        } catch {
            throw APITLSError(file: keyPath, reason: "not a PEM private key (\(error))")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw APITLSError(file: keyPath, reason: "does not match the certificate in \(certificatePath) (\(error))")
        }
    }
}

/// A TLS file that does not load.
public struct APITLSError: Error, CustomStringConvertible {
    public let file: String
    public let reason: String
    public var description: String { "\(file): \(reason)" }
}
