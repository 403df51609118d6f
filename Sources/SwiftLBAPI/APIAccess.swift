import Foundation
import Logging
import NIOConcurrencyHelpers
import SwiftLBCore

/// Who may use the API: the tokens of a token file (reread when the file changes, checked at most
/// once a second), or nobody checked at all when the operator turned authentication off.
public final class APIAccess: Sendable {
    /// The token file, or nil for fixed tokens or open access.
    public let tokenFile: String?
    /// True when every request is allowed without a token.
    public let isOpen: Bool
    private let logger: Logger
    private let state: NIOLockedValueBox<State>

    private struct State {
        var bySecret: [String: APIToken]
        var stamp: FileStamp
        var checked: Date
    }

    /// Tokens from `tokenFile`; throws when it does not load (a daemon must not start half-open).
    public init(tokenFile: String, logger: Logger) throws(APITokenFileError) {
        self.tokenFile = tokenFile
        self.logger = logger
        isOpen = false
        let stamp = FileStamp([tokenFile])
        let tokens = try APITokenFile.load(path: tokenFile)
        state = NIOLockedValueBox(State(bySecret: Self.index(tokens), stamp: stamp, checked: Date()))
    }

    /// Fixed tokens (tests), or none with `open` access when `tokens` is nil.
    public init(tokens: [APIToken]?, logger: Logger = Logger(label: "swiftlb.api")) {
        tokenFile = nil
        self.logger = logger
        isOpen = tokens == nil
        state = NIOLockedValueBox(
            State(bySecret: Self.index(tokens ?? []), stamp: FileStamp([]), checked: .distantFuture))
    }

    /// The credential whose secret is `secret`, if any.
    public func token(secret: String) -> APIToken? {
        reloadIfChanged()
        return state.withLockedValue { $0.bySecret[secret] }
    }

    /// The credential named `name` with secret `secret` (loxilb's login: user name and password).
    public func login(name: String, password: String) -> APIToken? {
        guard let token = token(secret: password), token.name == name else { return nil }
        return token
    }

    private func reloadIfChanged() {
        guard let tokenFile else { return }
        let now = Date()
        let due = state.withLockedValue { state -> FileStamp? in
            guard now.timeIntervalSince(state.checked) >= 1 else { return nil }
            state.checked = now
            let stamp = FileStamp([tokenFile])
            return stamp == state.stamp ? nil : stamp
        }
        guard let stamp = due else { return }
        do {
            let tokens = try APITokenFile.load(path: tokenFile)
            state.withLockedValue {
                $0.bySecret = Self.index(tokens)
                $0.stamp = stamp
            }
            logger.notice("API tokens reloaded", metadata: ["file": "\(tokenFile)", "tokens": "\(tokens.count)"])
        } catch {
            logger.error("API token file not reloaded; keeping the previous tokens", metadata: ["error": "\(error)"])
        }
    }

    private static func index(_ tokens: [APIToken]) -> [String: APIToken] {
        Dictionary(tokens.map { ($0.secret, $0) }, uniquingKeysWith: { first, _ in first })
    }
}
