extension ServiceKey {
    /// Parses the `description` form, "10.0.0.1:80/tcp", "2001:db8::1:80/tcp" or
    /// "10.0.0.1:443/tcp@example.com"; nil for anything else.
    public init?(text: String) {
        let at = text.firstIndex(of: "@")
        let address = at.map { String(text[..<$0]) } ?? text
        let host = at.map { String(text[text.index(after: $0)...]) } ?? ""
        guard let slash = address.lastIndex(of: "/"), let colon = address[..<slash].lastIndex(of: ":"),
            let vip = IPAddress(String(address[..<colon])),
            let port = UInt16(address[address.index(after: colon)..<slash]),
            let proto = L4Protocol(rawValue: String(address[address.index(after: slash)...]))
        else { return nil }
        self.init(vip: vip, port: port, proto: proto, host: host)
    }
}
