import Testing

@testable import SwiftLBKube

@Suite struct WatchLineSplitterTests {
    @Test func eventSplitAcrossChunksIsHeldUntilItsNewline() throws {
        var splitter = WatchLineSplitter()
        #expect(try splitter.append(Array(#"{"type":"ADD"#.utf8)).isEmpty)
        let lines = try splitter.append(Array("ED\"}\n{\"a\":1}\n{\"b\"".utf8))
        #expect(lines.map { String(decoding: $0, as: UTF8.self) } == [#"{"type":"ADDED"}"#, #"{"a":1}"#])
        #expect(try splitter.append(Array(":2}\n".utf8)).map { String(decoding: $0, as: UTF8.self) } == [#"{"b":2}"#])
        #expect(splitter.finish() == nil)
    }

    @Test func blankLinesAreSkippedAndTheRestIsReturnedAtTheEnd() throws {
        var splitter = WatchLineSplitter()
        #expect(try splitter.append(Array("\n \r\n{\"x\":1}".utf8)).isEmpty)
        #expect(splitter.finish().map { String(decoding: $0, as: UTF8.self) } == #"{"x":1}"#)
    }

    @Test func overlongLineIsAnError() {
        var splitter = WatchLineSplitter(maxLineBytes: 8)
        #expect(throws: KubeError.self) { try splitter.append(Array("0123456789".utf8)) }
    }
}
