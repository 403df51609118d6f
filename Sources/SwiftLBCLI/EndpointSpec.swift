import SwiftLBCore

/// One `--endpoints` item of `create lb`: `IP:WEIGHT`, or `IP` alone for weight 1.
///
/// IPv6 follows loxicmd: the text after the last `:` is the weight when it is a decimal number
/// and what precedes it is an address (`4ffe::1:2` is 4ffe::1 with weight 2). An IPv6 address
/// whose last group looks decimal is therefore read as `IP:WEIGHT` when that also parses; write
/// it in brackets to say otherwise: `[2001:db8::10]` (weight 1) or `[2001:db8::10]:3`.
public struct EndpointSpec: Equatable, Sendable {
    /// The endpoint address as text, normalised (brackets removed).
    public var ip: String
    /// The endpoint weight, 0...255 as in loxicmd.
    public var weight: Int

    /// Creates an endpoint from validated parts.
    public init(ip: String, weight: Int = 1) {
        self.ip = ip
        self.weight = weight
    }

    /// Parses one item; the error names the item and what is wrong with it.
    public init(parsing text: String) throws(CLIError) {
        if text.hasPrefix("[") {
            try self.init(bracketed: text)
            return
        }
        if let colon = text.lastIndex(of: ":") {
            let address = String(text[..<colon])
            let weight = String(text[text.index(after: colon)...])
            if IPAddress(address) != nil, weight.allSatisfy({ $0.isASCII && $0.isNumber }), !weight.isEmpty {
                self.init(ip: address, weight: try EndpointSpec.weight(weight, in: text))
                return
            }
            if IPAddress(text) == nil, IPAddress(address) != nil {
                throw .invalidInput("endpoint '\(text)': weight '\(weight)' is not a number 0-255")
            }
        }
        guard IPAddress(text) != nil else {
            throw .invalidInput("endpoint '\(text)' is not IP or IP:WEIGHT (e.g. 10.0.0.1:1)")
        }
        self.init(ip: text)
    }

    private init(bracketed text: String) throws(CLIError) {
        guard let close = text.firstIndex(of: "]") else {
            throw .invalidInput("endpoint '\(text)' has no closing ']'")
        }
        let address = String(text[text.index(after: text.startIndex)..<close])
        guard IPAddress(address) != nil else {
            throw .invalidInput("endpoint '\(text)': '\(address)' is not an IP address")
        }
        let rest = text[text.index(after: close)...]
        if rest.isEmpty {
            self.init(ip: address)
        } else if rest.hasPrefix(":") {
            self.init(ip: address, weight: try EndpointSpec.weight(String(rest.dropFirst()), in: text))
        } else {
            throw .invalidInput("endpoint '\(text)' is not [IP] or [IP]:WEIGHT")
        }
    }

    private static func weight(_ text: String, in item: String) throws(CLIError) -> Int {
        guard !text.isEmpty, text.count <= 3, text.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(text),
            value <= 255
        else {
            throw .invalidInput("endpoint '\(item)': weight '\(text)' is not a number 0-255")
        }
        return value
    }

    /// Parses a comma-separated list, keeping the order given.
    public static func list(_ values: [String]) throws(CLIError) -> [EndpointSpec] {
        var result: [EndpointSpec] = []
        for item in splitList(values) {
            result.append(try EndpointSpec(parsing: item))
        }
        return result
    }
}

/// Splits repeated, comma-separated option values the way cobra's string slices do.
func splitList(_ values: [String]) -> [String] {
    values.flatMap { value in
        value.split(separator: ",").map { item in
            String(item.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
        }
    }.filter { !$0.isEmpty }
}
