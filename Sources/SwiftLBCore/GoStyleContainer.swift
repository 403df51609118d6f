/// A type with a Go zero value: what Go's `encoding/json` leaves in a field whose key is missing or `null`.
protocol GoZeroValue {
    /// The value Go would leave in an untouched field of this type.
    static var goZero: Self { get }
}

extension Int: GoZeroValue {
    static var goZero: Int { 0 }
}

extension String: GoZeroValue {
    static var goZero: String { "" }
}

extension Bool: GoZeroValue {
    static var goZero: Bool { false }
}

extension Array: GoZeroValue {
    static var goZero: [Element] { [] }
}

/// A coding key for any string, so that the keys a client actually sent can be listed and matched.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?

    init(stringValue: String) {
        self.stringValue = stringValue
        self.intValue = nil
    }

    init?(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }
}

/// Reads a JSON object the way loxilb's Go server does, so that every loxilb client keeps working.
///
/// Keys match case-insensitively (an exact match wins over a folded one), unknown keys are ignored,
/// and a missing key or a `null` value yields the field's Go zero value. A value of the wrong JSON
/// type still throws, with the offending key in the error's coding path.
struct GoStyleContainer<Key: CodingKey> {
    private let container: KeyedDecodingContainer<AnyCodingKey>?
    private let exactKeys: Set<String>
    private let foldedKeys: [String: AnyCodingKey]

    /// Opens the object `decoder` points at; a JSON `null` reads as an empty object, as in Go.
    init(_ decoder: any Decoder) throws {
        if try decoder.singleValueContainer().decodeNil() {
            container = nil
            exactKeys = []
            foldedKeys = [:]
            return
        }
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        self.container = container
        let sent = container.allKeys  // built anew on every call: once per object
        exactKeys = Set(sent.map(\.stringValue))
        // Go keeps the last of several case-variants; JSONDecoder hides the order, so any one is kept.
        foldedKeys = Dictionary(sent.map { (Self.folded($0.stringValue), $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// `text` lowercased: byte by byte for ASCII (every key a request sends, in practice), by
    /// Unicode rules otherwise (Go folds the Kelvin sign to k, for one).
    static func folded(_ text: String) -> String {
        var utf8 = Array(text.utf8)
        guard utf8.allSatisfy({ $0 < 0x80 }) else { return text.lowercased() }
        guard utf8.contains(where: { (0x41...0x5A).contains($0) }) else { return text }
        for index in utf8.indices where (0x41...0x5A).contains(utf8[index]) { utf8[index] += 0x20 }
        return String(decoding: utf8, as: UTF8.self)
    }

    /// The value for `key`, or the Go zero value when the key is absent or `null`.
    func decode<T: Decodable & GoZeroValue>(_ key: Key) throws -> T {
        guard let container, let sent = sentKey(for: key.stringValue) else { return .goZero }
        if try container.decodeNil(forKey: sent) { return .goZero }
        do {
            return try container.decode(T.self, forKey: sent)
        } catch let error as DecodingError {
            throw error
        } catch {
            // Foundation on Linux throws a private, pathless error when a number does not fit the field
            // (1.5 or 1e30 for an Int); rethrow it with the path so the client learns which field to fix.
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: container.codingPath + [sent],
                    debugDescription: "the value cannot be read as \(T.self): \(error)", underlyingError: error))
        }
    }

    private func sentKey(for name: String) -> AnyCodingKey? {
        if exactKeys.contains(name) { return AnyCodingKey(stringValue: name) }
        return foldedKeys[Self.folded(name)]
    }
}
