import Foundation
import SwiftLBCore
import Testing

/// The API token file: its grammar, its errors, and the file the daemon creates at first start.
@Suite struct APITokenFileTests {
    static let secret = "0123456789abcdef0123"

    @Test func readsNamesScopesAndSecretsSkippingComments() throws {
        let text = "# tokens\n\nadmin admin \(Self.secret)\n  viewer\tread   \(Self.secret)x  \n"
        let tokens = try APITokenFile.parse(text, path: "f")
        #expect(
            tokens == [
                APIToken(name: "admin", scope: .admin, secret: Self.secret),
                APIToken(name: "viewer", scope: .read, secret: Self.secret + "x"),
            ])
    }

    @Test(arguments: [
        ("admin admin", "f line 1: expected NAME SCOPE SECRET, got 2 fields"),
        ("a write \(secret)", "f line 1: scope must be admin or read, not write"),
        ("a admin short", "f line 1: the secret must be at least 16 printable ASCII characters"),
        ("a admin \(secret)\na read \(secret)y", "f line 2: name a repeats"),
        ("a admin \(secret)\nb read \(secret)", "f line 2: secret repeats an earlier one"),
    ])
    func refusesBadLinesNamingThem(text: String, message: String) {
        #expect(throws: APITokenFileError(message)) { try APITokenFile.parse(text, path: "f") }
    }

    @Test func createsOneAdminTokenReadableByItsOwnerOnly() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slb-tokens-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("sub/api-tokens").path
        #expect(try APITokenFile.createIfMissing(path: path))
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let tokens = try APITokenFile.load(path: path)
        #expect(tokens.count == 1 && tokens[0].name == "admin" && tokens[0].scope == .admin)
        #expect(tokens[0].secret.count == 64)
        #expect(APITokenFile.adminSecret(path: path) == tokens[0].secret)
        // A second start keeps the file (and so the token clients already use).
        #expect(try APITokenFile.createIfMissing(path: path) == false)
        #expect(try APITokenFile.load(path: path) == tokens)
    }

    @Test func aFileWithoutTokensOrMissingIsAnError() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("slb-empty-\(UUID())").path
        #expect(throws: APITokenFileError.self) { try APITokenFile.load(path: path) }
        try "# nothing\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: APITokenFileError("\(path) holds no token; add a line NAME SCOPE SECRET")) {
            try APITokenFile.load(path: path)
        }
        #expect(APITokenFile.adminSecret(path: path) == nil)
    }
}
