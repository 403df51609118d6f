extension RuleValidator {
    /// The longest accepted `host` (a DNS name is at most 253 characters, plus a path prefix).
    public static let maxHostLength = 512

    /// Checks the fields only fullproxy rules use (`security`, `host`, `proxyprotocolv2`) and what
    /// fullproxy needs (TCP, one port); returns the host as stored: lower-cased name, path kept.
    static func checkProxyFields(_ args: ServiceArguments, mode: NATMode) throws(APIError) -> String {
        try checkSecurity(args.security)
        guard mode == .fullProxy else {
            let requests: [(Bool, String, String)] = [
                (args.security != 0, "serviceArguments.security", "security (TLS) needs mode 4 (fullproxy)"),
                (!args.host.isEmpty, "serviceArguments.host", "host matching needs mode 4 (fullproxy)"),
                (
                    args.proxyprotocolv2, "serviceArguments.proxyprotocolv2",
                    "PROXY protocol v2 needs mode 4 (fullproxy)"
                ),
            ]
            for (requested, field, message) in requests where requested {
                throw .badRequest(field: field, message: "\(message); set mode 4 or omit \(field)")
            }
            return ""
        }
        guard args.protocol.lowercased() == "tcp" else {
            throw .badRequest(
                field: "serviceArguments.protocol",
                message: "mode fullproxy proxies TCP only; send protocol tcp (got \"\(args.protocol)\")")
        }
        guard args.portMax == 0 || args.portMax == args.port else {
            throw .badRequest(
                field: "serviceArguments.portMax",
                message: "mode fullproxy listens on one port; send portMax 0 (got \(args.portMax))")
        }
        return try proxyHost(args.host)
    }

    private static func checkSecurity(_ security: Int) throws(APIError) {
        let field = "serviceArguments.security"
        guard (0...2).contains(security) else {
            throw .badRequest(
                field: field, message: "\(field) \(security) is invalid; use 0 (plain), 1 (https) or 2 (e2ehttps)")
        }
    }

    /// A host name (letters, digits, '-', '.', optional '*.' wildcard label) with an optional path
    /// prefix starting at '/', e.g. "shop.example.com/api".
    static func proxyHost(_ text: String) throws(APIError) -> String {
        let field = "serviceArguments.host"
        guard text.utf8.count <= maxHostLength else {
            throw .badRequest(field: field, message: "\(field) is longer than \(maxHostLength) bytes; shorten it")
        }
        let slash = text.firstIndex(of: "/") ?? text.endIndex
        let name = text[..<slash].lowercased()
        let path = String(text[slash...])
        let nameOK = name.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII
                && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                    || "-.*".unicodeScalars.contains(scalar))
        }
        let wildcardOK = !name.dropFirst().contains("*") && (!name.hasPrefix("*") || name.hasPrefix("*."))
        guard nameOK, wildcardOK, !(name.isEmpty && !path.isEmpty) else {
            throw .badRequest(
                field: field,
                message: "\(field) \"\(text)\" is not a host name with an optional path prefix; send e.g. "
                    + "example.com, *.example.com or example.com/api")
        }
        let pathOK = path.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F && $0 != "?" && $0 != "#" }
        guard pathOK else {
            throw .badRequest(
                field: field,
                message: "\(field) path \"\(path)\" must be printable ASCII without spaces, '?' or '#'; send e.g. /api")
        }
        return name + path
    }
}
