import Foundation
import Hummingbird
import SwiftLBCore

/// Reads the path and query parameters of loxilb's DELETE paths; bad ones are 400s naming them.
enum DeleteParameters {
    /// The `RuleSelector` for a service DELETE: `ip_address`, `port`, `proto`, optional `portmax`
    /// and `hosturl`; query `bgp` (boolean, accepted) and `block` (number, only 0 supported).
    static func selector(path: Parameters, query: Parameters) throws(APIError) -> RuleSelector {
        try checkQuery(query)
        let portMax = try path.get("portmax").map { text throws(APIError) in try number("portmax", text) }
        if let portMax, !(0...65535).contains(portMax) {
            throw .badRequest(field: "portmax", message: "portmax \(portMax) is out of range; use 0 to 65535")
        }
        return .service(
            externalIP: try text("ip_address", in: path),
            port: try number("port", try text("port", in: path)),
            portMax: portMax,
            proto: try text("proto", in: path),
            hostURL: try path.get("hosturl").map { _ throws(APIError) in try text("hosturl", in: path) })
    }

    /// The percent-decoded value of a path parameter.
    static func text(_ name: String, in path: Parameters) throws(APIError) -> String {
        guard let raw = path.get(name), let value = raw.removingPercentEncoding else {
            throw .badRequest(field: name, message: "the path parameter \(name) is missing or badly encoded")
        }
        return value
    }

    /// A decimal integer path parameter.
    static func number(_ name: String, _ text: String) throws(APIError) -> Int {
        guard let value = Int(text) else {
            throw .badRequest(field: name, message: "\(name) \"\(text)\" is not a number; give a decimal integer")
        }
        return value
    }

    /// `bgp` must be a Go boolean; `block` a number, and only 0 until marks are supported.
    static func checkQuery(_ query: Parameters) throws(APIError) {
        if let bgp = query.get("bgp"), !["1", "t", "true", "0", "f", "false"].contains(bgp.lowercased()) {
            throw .badRequest(field: "bgp", message: "bgp \"\(bgp)\" is not a boolean; use true or false")
        }
        if let block = query.get("block") {
            guard let value = Double(block), value.isFinite else {
                throw .badRequest(field: "block", message: "block \"\(block)\" is not a number; use 0")
            }
            guard value == 0 else {
                throw .badRequest(
                    field: "block", message: "block (mark) \(block) is not supported yet; use 0 or leave it out")
            }
        }
    }
}
