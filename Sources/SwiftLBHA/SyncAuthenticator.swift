import Crypto

/// Authenticates a sync connection's peer with a shared key: each side sends a random nonce
/// (`challenge`), then proves it holds the key with an HMAC-SHA256 over both nonces (`proof`).
/// Until the peer's proof checks, nothing else it sends is accepted.
///
/// The proof names the prover's side of the connection (it dialled, or it accepted), so a proof
/// obtained on one connection cannot be replayed as the other side's on another. It authenticates
/// the peer when the connection opens; it does not encrypt, nor protect what follows from an
/// attacker on the path (docs/ha.md).
public struct SyncAuthenticator: Sendable {
    /// The shortest key accepted, in bytes.
    public static let minimumKeyLength = 16
    static let nonceLength = 32

    private let key: SymmetricKey

    /// nil when `secret` is shorter than `minimumKeyLength`.
    public init?(secret: [UInt8]) {
        guard secret.count >= Self.minimumKeyLength else { return nil }
        key = SymmetricKey(data: secret)
    }

    static func nonce() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<nonceLength).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// The proof the side that `dialled` (or accepted) sends, having sent `own` and received `peer`.
    func proof(dialled: Bool, own: [UInt8], peer: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Self.message(dialled: dialled, own: own, peer: peer), using: key))
    }

    /// Whether `code` is the peer's proof: the peer dialled when this side did not, its own nonce
    /// is `peer` and the one it received is `own`. Compared in constant time.
    func verify(_ code: [UInt8], peerDialled: Bool, own: [UInt8], peer: [UInt8]) -> Bool {
        HMAC<SHA256>.isValidAuthenticationCode(
            code, authenticating: Self.message(dialled: peerDialled, own: peer, peer: own), using: key)
    }

    private static func message(dialled: Bool, own: [UInt8], peer: [UInt8]) -> [UInt8] {
        Array("swiftlb-sync-v1 \(dialled ? "dialler" : "listener")".utf8) + peer + own
    }
}
