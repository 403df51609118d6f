/// Cuts a watch response body, delivered in chunks of any size, into its newline-terminated JSON
/// events; an event split across chunks is held until its newline arrives.
struct WatchLineSplitter {
    /// The largest event accepted: a bound on memory if the server never sends a newline.
    let maxLineBytes: Int
    private var pending: [UInt8] = []

    init(maxLineBytes: Int = 16 << 20) {
        self.maxLineBytes = maxLineBytes
    }

    /// Adds a chunk and returns the lines it completes, without their newlines; blank lines are skipped.
    mutating func append(_ chunk: some Sequence<UInt8>) throws(KubeError) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        for byte in chunk {
            if byte == UInt8(ascii: "\n") {
                if pending.contains(where: { !Self.isSpace($0) }) { lines.append(pending) }
                pending.removeAll(keepingCapacity: true)
            } else {
                pending.append(byte)
                if pending.count > maxLineBytes {
                    throw .decoding("a watch event is longer than \(maxLineBytes) bytes")
                }
            }
        }
        return lines
    }

    /// The unterminated rest at the end of the body, if it is not blank.
    mutating func finish() -> [UInt8]? {
        defer { pending.removeAll() }
        return pending.contains(where: { !Self.isSpace($0) }) ? pending : nil
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\t")
    }
}
