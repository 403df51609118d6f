/// Finds a number with a fraction or an exponent (`80.0`, `8e1`) in a JSON text.
///
/// Every number field of loxilb's API is an integer, and Go's `encoding/json` refuses `80.0` for
/// one; Foundation's decoder quietly reads it as 80. The API runs this over each request body
/// first so such a body is refused, naming the field, as loxilb refuses it.
enum JSONIntegerCheck {
    /// The dotted path of the first non-integer number (`serviceArguments.port`,
    /// `endpoints[].weight`) and its text; nil when every number is an integer. Malformed JSON
    /// returns nil: the decoder reports that itself.
    static func firstNonInteger(in bytes: [UInt8]) -> (path: String, text: String)? {
        var path: [String] = []
        var pendingKey: String?
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "{"):
                path.append(pendingKey ?? "")
                pendingKey = nil
                index += 1
            case UInt8(ascii: "["):
                path.append((pendingKey ?? "") + "[]")
                pendingKey = nil
                index += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if !path.isEmpty { path.removeLast() }
                index += 1
            case UInt8(ascii: "\""):
                guard let (text, end) = string(in: bytes, from: index) else { return nil }
                index = end
                // A string followed by a colon is a key; otherwise a value, which ends the key.
                var next = index
                while next < bytes.count, isSpace(bytes[next]) { next += 1 }
                pendingKey = next < bytes.count && bytes[next] == UInt8(ascii: ":") ? text : nil
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                var end = index
                while end < bytes.count, isNumberByte(bytes[end]) { end += 1 }
                let text = String(decoding: bytes[index..<end], as: UTF8.self)
                if text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) {
                    let parts = (path + [pendingKey ?? ""]).filter { !$0.isEmpty }
                    return (parts.joined(separator: "."), text)
                }
                pendingKey = nil
                index = end
            default:
                index += 1
            }
        }
        return nil
    }

    /// The string starting at `start` (a quote) and the index after its closing quote.
    private static func string(in bytes: [UInt8], from start: Int) -> (String, Int)? {
        var index = start + 1
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\\"): index += 2
            case UInt8(ascii: "\""):
                return (String(decoding: bytes[(start + 1)..<index], as: UTF8.self), index + 1)
            default: index += 1
            }
        }
        return nil
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0a || byte == 0x0d
    }

    private static func isNumberByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ".")
            || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") || byte == UInt8(ascii: "+")
            || byte == UInt8(ascii: "-")
    }
}
