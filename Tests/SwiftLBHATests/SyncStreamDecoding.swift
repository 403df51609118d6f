import SwiftLBHA

/// Encodes `messages` into one stream and decodes it twice: fed whole, and one byte at a time.
enum SyncStreamDecoding {
    static func decode(_ messages: [SyncMessage]) throws -> (whole: [SyncMessage], trickled: [SyncMessage]) {
        let stream = messages.flatMap(SyncCodec.encode)
        var whole = SyncFrameReader()
        whole.append(stream)
        var wholeDecoded: [SyncMessage] = []
        while let message = try whole.next() { wholeDecoded.append(message) }
        var trickle = SyncFrameReader()
        var trickled: [SyncMessage] = []
        for byte in stream {
            trickle.append([byte])
            while let message = try trickle.next() { trickled.append(message) }
        }
        return (wholeDecoded, trickled)
    }
}
