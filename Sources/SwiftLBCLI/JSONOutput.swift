import Foundation

/// Pretty JSON for `-o json`, with loxilb's key names in a stable order.
enum JSONOutput {
    static func pretty<T: Encodable>(_ value: T) throws(CLIError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            throw .badResponse("cannot print the answer as JSON: \(error)")
        }
    }
}
