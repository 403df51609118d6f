/// The JSON text left the plain subset `PlainJSONScanner` reads: decode it with `JSONDecoder` instead.
struct OutsidePlainJSON: Error {}

/// A forward-only reader of "plain" JSON: what loxilb clients send in practice.
///
/// Plain means strings of printable ASCII without escapes, integers without fraction, exponent,
/// leading zeros or `-0`, and at most 32 levels of nesting. Everything else, valid JSON or not,
/// throws `OutsidePlainJSON` so that the caller decodes the text with Foundation's `JSONDecoder`,
/// whose results and error messages define the API. The scanner is only a shortcut: it must never
/// accept a text `JSONDecoder` refuses, nor read one differently.
struct PlainJSONScanner {
    private let bytes: UnsafeRawBufferPointer
    private var index = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// Throws unless only whitespace is left.
    mutating func expectEnd() throws(OutsidePlainJSON) {
        skipSpace()
        guard index == bytes.count else { throw OutsidePlainJSON() }
    }

    /// Consumes `byte` (after whitespace) when it comes next.
    mutating func consume(_ byte: UInt8) -> Bool {
        skipSpace()
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// Consumes `null` when it comes next: Go leaves the field at its zero value.
    mutating func consumeNull() -> Bool {
        skipSpace()
        guard bytes.count - index >= 4, bytes[index] == UInt8(ascii: "n"), bytes[index + 1] == UInt8(ascii: "u"),
            bytes[index + 2] == UInt8(ascii: "l"), bytes[index + 3] == UInt8(ascii: "l")
        else { return false }
        index += 4
        return true
    }

    /// The raw bytes of a plain string (its quotes excluded).
    mutating func stringBytes() throws(OutsidePlainJSON) -> UnsafeRawBufferPointer {
        guard consume(UInt8(ascii: "\"")) else { throw OutsidePlainJSON() }
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return UnsafeRawBufferPointer(rebasing: bytes[start..<(index - 1)])
            }
            // Escapes, control characters and non-ASCII: JSONDecoder knows their rules.
            guard byte >= 0x20, byte < 0x7F, byte != UInt8(ascii: "\\") else { throw OutsidePlainJSON() }
            index += 1
        }
        throw OutsidePlainJSON()
    }

    /// A string value; `null` reads as "".
    mutating func string() throws(OutsidePlainJSON) -> String {
        if consumeNull() { return "" }
        return String(decoding: try stringBytes(), as: UTF8.self)
    }

    /// An integer value that fits `Int`; `null` reads as 0.
    mutating func integer() throws(OutsidePlainJSON) -> Int {
        if consumeNull() { return 0 }
        skipSpace()
        let negative = index < bytes.count && bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        let start = index
        var value = 0
        while index < bytes.count, let digit = Self.digit(bytes[index]) {
            // Accumulating negatively reaches Int.min, which the positive side cannot hold.
            let (shifted, overflow) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = shifted.subtractingReportingOverflow(digit)
            guard !overflow, !overflow2 else { throw OutsidePlainJSON() }
            value = next
            index += 1
        }
        let count = index - start
        guard count > 0, count == 1 || bytes[start] != UInt8(ascii: "0") else { throw OutsidePlainJSON() }
        if index < bytes.count, Self.continuesNumber(bytes[index]) { throw OutsidePlainJSON() }
        if negative {
            guard value != 0 else { throw OutsidePlainJSON() }
            return value
        }
        guard value != Int.min else { throw OutsidePlainJSON() }
        return -value
    }

    /// `true` or `false`; `null` reads as false.
    mutating func bool() throws(OutsidePlainJSON) -> Bool {
        if consumeNull() { return false }
        if consumeWord("true") { return true }
        if consumeWord("false") { return false }
        throw OutsidePlainJSON()
    }

    /// Reads an object: `member` gets each key and must read its value. `null` reads as `{}`.
    mutating func object(
        _ member: (inout PlainJSONScanner, UnsafeRawBufferPointer) throws(OutsidePlainJSON) -> Void
    ) throws(OutsidePlainJSON) {
        if consumeNull() { return }
        guard consume(UInt8(ascii: "{")) else { throw OutsidePlainJSON() }
        if consume(UInt8(ascii: "}")) { return }
        repeat {
            let key = try stringBytes()
            guard consume(UInt8(ascii: ":")) else { throw OutsidePlainJSON() }
            try member(&self, key)
        } while consume(UInt8(ascii: ","))
        guard consume(UInt8(ascii: "}")) else { throw OutsidePlainJSON() }
    }

    /// Reads an array: `element` must read each element. `null` reads as `[]`.
    mutating func array(
        _ element: (inout PlainJSONScanner) throws(OutsidePlainJSON) -> Void
    ) throws(OutsidePlainJSON) {
        if consumeNull() { return }
        guard consume(UInt8(ascii: "[")) else { throw OutsidePlainJSON() }
        if consume(UInt8(ascii: "]")) { return }
        repeat {
            try element(&self)
        } while consume(UInt8(ascii: ","))
        guard consume(UInt8(ascii: "]")) else { throw OutsidePlainJSON() }
    }

    /// Checks and steps over a value of a key nobody reads (Go ignores unknown keys).
    mutating func skipValue(depth: Int = 0) throws(OutsidePlainJSON) {
        guard depth < 32 else { throw OutsidePlainJSON() }
        skipSpace()
        guard index < bytes.count else { throw OutsidePlainJSON() }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            try object { (scanner, _) throws(OutsidePlainJSON) in try scanner.skipValue(depth: depth + 1) }
        case UInt8(ascii: "["):
            try array { (scanner) throws(OutsidePlainJSON) in try scanner.skipValue(depth: depth + 1) }
        case UInt8(ascii: "\""): _ = try stringBytes()
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"): _ = try bool()
        default: _ = try integer()
        }
    }

    private mutating func consumeWord(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard bytes.count - index >= count else { return false }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { return false }
        index += count
        return true
    }

    private mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private static func digit(_ byte: UInt8) -> Int? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? Int(byte - UInt8(ascii: "0")) : nil
    }

    /// A byte that would make the number a float or a malformed one.
    private static func continuesNumber(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
            || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || digit(byte) != nil
    }
}

/// A key name matched the way Go's `encoding/json` matches it, ASCII-case-insensitively.
struct FoldedKey: Sendable {
    private let lowered: [UInt8]

    init(_ name: String) {
        lowered = Array(name.lowercased().utf8)
    }

    /// True when `key` is this name in any ASCII letter case.
    func matches(_ key: UnsafeRawBufferPointer) -> Bool {
        guard key.count == lowered.count else { return false }
        for (byte, wanted) in zip(key, lowered) {
            let folded = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 0x20 : byte
            guard folded == wanted else { return false }
        }
        return true
    }
}
