/// One `--tcp/--udp/--sctp` value of `create lb`: service ports and the endpoints' target ports.
///
/// The grammar is loxicmd's `PORTS:TARGETPORTS`:
/// - `PORTS` is a port (`80`) or an inclusive range (`8080-8081`); a range becomes one rule with
///   `port` = first and `portMax` = last.
/// - `TARGETPORTS` is a port (`8080`) or an inclusive range (`5201-5300`). As in loxicmd, a range
///   gives every endpoint one entry per target port (endpoint IP x target port), which is how
///   loxilb expresses a service spread over a block of backend ports.
///
/// Unlike loxicmd, which silently skips a value without exactly one `:`, such a value is an error.
public struct PortMapping: Equatable, Sendable {
    /// The first (or only) service port.
    public var port: Int
    /// The last service port of a range; 0 when `PORTS` is a single port (loxilb's "no range").
    public var portMax: Int
    /// The target ports every endpoint is expanded to, in ascending order (at least one).
    public var targetPorts: [Int]

    /// The most target ports one value may expand to: keeps request bodies bounded; the server
    /// enforces the real per-service endpoint limit.
    public static let maxTargetPorts = 1024

    /// Creates a mapping from already-validated parts.
    public init(port: Int, portMax: Int = 0, targetPorts: [Int]) {
        self.port = port
        self.portMax = portMax
        self.targetPorts = targetPorts
    }

    /// Parses one `PORTS:TARGETPORTS` value; the error names the value and what is wrong with it.
    public init(parsing text: String) throws(CLIError) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            throw .invalidInput("port pair '\(text)' must be PORTS:TARGETPORTS, e.g. 80:8080 or 8080-8081:32015")
        }
        let service = try PortMapping.range(String(parts[0]), what: "port", in: text)
        let target = try PortMapping.range(String(parts[1]), what: "target port", in: text)
        guard target.count <= PortMapping.maxTargetPorts else {
            throw .invalidInput(
                "target port range in '\(text)' spans \(target.count) ports; at most \(PortMapping.maxTargetPorts)")
        }
        self.init(
            port: service.lowerBound, portMax: service.count > 1 ? service.upperBound : 0,
            targetPorts: Array(target))
    }

    /// The mapping `--icmp` stands for: loxicmd sends ICMP rules as port 0 to target port 0.
    public static let icmp = PortMapping(port: 0, targetPorts: [0])

    /// Parses a port (`80`) or an inclusive range (`80-90`); errors quote `value` when given.
    static func range(_ text: String, what: String, in value: String? = nil) throws(CLIError) -> ClosedRange<Int> {
        let context = value.map { " in '\($0)'" } ?? ""
        let bounds = text.split(separator: "-", omittingEmptySubsequences: false).map { parsePort(String($0)) }
        guard (1...2).contains(bounds.count), let first = bounds.first ?? nil, let last = bounds.last ?? nil else {
            throw .invalidInput("\(what) '\(text)'\(context) is not a port (0-65535) or a range like 8080-8081")
        }
        guard first <= last else {
            throw .invalidInput("\(what) range '\(text)'\(context) ends before it starts")
        }
        return first...last
    }

    /// A decimal port number 0...65535 (digits only: no sign, no spaces).
    static func parsePort(_ text: String) -> Int? {
        guard !text.isEmpty, text.count <= 5, text.allSatisfy({ $0.isASCII && $0.isNumber }),
            let value = Int(text), value <= 65535
        else { return nil }
        return value
    }
}
