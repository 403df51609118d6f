import Testing

@testable import SwiftLBHA

@Suite("Sync link authentication")
struct SyncAuthenticatorTests {
    let key = Array("a shared key of 32 bytes, please".utf8)
    let dialler = SyncAuthenticator.nonce()
    let listener = SyncAuthenticator.nonce()

    @Test("keys shorter than 16 bytes are refused; nonces are 32 random bytes")
    func keysAndNonces() {
        #expect(SyncAuthenticator(secret: Array("fifteen bytes!!".utf8)) == nil)
        #expect(SyncAuthenticator(secret: Array("sixteen bytes!!!".utf8)) != nil)
        #expect(dialler.count == 32)
        #expect(dialler != listener)
    }

    @Test("each side's proof checks on the other side with the same key and nonces")
    func proofsCheck() throws {
        let a = try #require(SyncAuthenticator(secret: key))
        let b = try #require(SyncAuthenticator(secret: key))
        let fromDialler = a.proof(dialled: true, own: dialler, peer: listener)
        let fromListener = b.proof(dialled: false, own: listener, peer: dialler)
        #expect(b.verify(fromDialler, peerDialled: true, own: listener, peer: dialler))
        #expect(a.verify(fromListener, peerDialled: false, own: dialler, peer: listener))
    }

    @Test("another key, other nonces, or the other side's proof played back do not check")
    func forgeriesFail() throws {
        let a = try #require(SyncAuthenticator(secret: key))
        let other = try #require(SyncAuthenticator(secret: Array("another key of 32 bytes, please!".utf8)))
        let proof = a.proof(dialled: true, own: dialler, peer: listener)
        #expect(!other.verify(proof, peerDialled: true, own: listener, peer: dialler))
        #expect(!a.verify(proof, peerDialled: true, own: SyncAuthenticator.nonce(), peer: dialler))
        // A listener's proof over the same nonces, replayed as a dialler's (a reflection).
        let reflected = a.proof(dialled: false, own: dialler, peer: listener)
        #expect(!a.verify(reflected, peerDialled: true, own: listener, peer: dialler))
        #expect(!a.verify(Array(proof.dropLast()), peerDialled: true, own: listener, peer: dialler))
    }
}
