extension ServiceKey {
    /// Parses the `description` form, "10.0.0.1:80/tcp" or "2001:db8::1:80/tcp"; nil for anything else.
    public init?(text: String) {
        guard let slash = text.lastIndex(of: "/"), let colon = text[..<slash].lastIndex(of: ":"),
            let vip = IPAddress(String(text[..<colon])),
            let port = UInt16(text[text.index(after: colon)..<slash]),
            let proto = L4Protocol(rawValue: String(text[text.index(after: slash)...]))
        else { return nil }
        self.init(vip: vip, port: port, proto: proto)
    }
}
