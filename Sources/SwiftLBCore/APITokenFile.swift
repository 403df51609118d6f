import Foundation

/// The API's token file: one credential per line, `NAME SCOPE SECRET` (scope `admin` or `read`),
/// `#` comments and blank lines ignored. The daemon creates it at first start with one admin
/// token, readable by root only (0600); `swiftlbctl` reads it by default.
public enum APITokenFile {
    /// Where the daemon and swiftlbctl look by default.
    public static let defaultPath = "/etc/swiftlb/api-tokens"
    /// Secrets shorter than this are refused: a guessable token is no token.
    public static let minimumSecretLength = 16

    /// Parses the file's text; throws naming the first bad line of `path`.
    public static func parse(_ text: String, path: String) throws(APITokenFileError) -> [APIToken] {
        var tokens: [APIToken] = []
        var names = Set<String>()
        var secrets = Set<String>()
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            let at = "\(path) line \(index + 1)"
            guard fields.count == 3 else {
                throw APITokenFileError("\(at): expected NAME SCOPE SECRET, got \(fields.count) fields")
            }
            guard let scope = APIScope(rawValue: fields[1]) else {
                throw APITokenFileError("\(at): scope must be admin or read, not \(fields[1])")
            }
            let secret = fields[2]
            guard secret.count >= minimumSecretLength, secret.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
                throw APITokenFileError(
                    "\(at): the secret must be at least \(minimumSecretLength) printable ASCII characters")
            }
            guard names.insert(fields[0]).inserted else { throw APITokenFileError("\(at): name \(fields[0]) repeats") }
            guard secrets.insert(secret).inserted else {
                throw APITokenFileError("\(at): secret repeats an earlier one")
            }
            tokens.append(APIToken(name: fields[0], scope: scope, secret: secret))
        }
        return tokens
    }

    /// Reads `path`; throws when it cannot be read or parsed, or holds no token.
    public static func load(path: String) throws(APITokenFileError) -> [APIToken] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw APITokenFileError("cannot read the API token file \(path): \(error.localizedDescription)")
        }
        let tokens = try parse(text, path: path)
        guard !tokens.isEmpty else { throw APITokenFileError("\(path) holds no token; add a line NAME SCOPE SECRET") }
        return tokens
    }

    /// Creates `path` (and its directory) with one admin token named `admin`, mode 0600, unless
    /// it exists. Returns true when it created the file.
    public static func createIfMissing(path: String) throws(APITokenFileError) -> Bool {
        let manager = FileManager.default
        if manager.fileExists(atPath: path) { return false }
        let directory = (path as NSString).deletingLastPathComponent
        let secret = randomSecret()
        let text = """
            # SwiftLB API tokens: NAME SCOPE SECRET (scope admin or read), one per line.
            # Clients send the secret as `Authorization: Bearer SECRET` or as the bare secret (loxicmd).
            admin admin \(secret)

            """
        do {
            if !directory.isEmpty {
                try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            // Created with 0600 from the start: never readable by others, not even for a moment.
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
            guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            defer { close(fd) }
            let bytes = Array(text.utf8)
            guard write(fd, bytes, bytes.count) == bytes.count else {
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
        } catch {
            throw APITokenFileError("cannot create the API token file \(path): \(error.localizedDescription)")
        }
        return true
    }

    /// 32 random bytes as 64 hex digits, from the system's generator.
    public static func randomSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    /// The first admin secret in `path`, or nil when there is none or the file cannot be read.
    public static func adminSecret(path: String) -> String? {
        (try? load(path: path))?.first { $0.scope == .admin }?.secret
    }
}
