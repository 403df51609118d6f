import SwiftLBHealth
import Testing

/// Judging HTTP answers from their bytes.
@Suite struct HTTPProbeResponseTests {
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func requestIsAClosingGetOfThePath() {
        #expect(
            HTTPProbeResponse.request(path: "health", host: "10.0.0.2", port: 8080)
                == "GET /health HTTP/1.1\r\nHost: 10.0.0.2:8080\r\nUser-Agent: swiftlb-health/1\r\nAccept: */*\r\n"
                + "Connection: close\r\n\r\n")
        #expect(HTTPProbeResponse.request(path: "", host: "h", port: 1).hasPrefix("GET / HTTP/1.1\r\n"))
        #expect(HTTPProbeResponse.request(path: "/a?b=c", host: "h", port: 1).hasPrefix("GET /a?b=c HTTP/1.1\r\n"))
    }

    @Test func status200IsUpOtherStatusesAreDown() {
        #expect(HTTPProbeResponse.judge(Self.bytes("HTTP/1.0 200 OK\r\n"), expecting: "", complete: false) == .up)
        #expect(
            HTTPProbeResponse.judge(
                Self.bytes("HTTP/1.1 503 Service Unavailable\r\n\r\n"), expecting: "", complete: false)
                == .down("HTTP status 503"))
        #expect(
            HTTPProbeResponse.judge(Self.bytes("HTTP/1.1 301 Moved\r\n"), expecting: "", complete: false)
                == .down("HTTP status 301"))
    }

    @Test func partialStatusLineWaitsUnlessTheConnectionClosed() {
        #expect(HTTPProbeResponse.judge(Self.bytes("HTTP/1.1 20"), expecting: "", complete: false) == .needMore)
        #expect(
            HTTPProbeResponse.judge(Self.bytes("HTTP/1.1 20"), expecting: "", complete: true)
                == .down("no HTTP status line"))
        #expect(
            HTTPProbeResponse.judge([], expecting: "", complete: true) == .down("connection closed without an answer"))
    }

    @Test func malformedStatusLineIsDown() {
        #expect(
            HTTPProbeResponse.judge(Self.bytes("SSH-2.0-OpenSSH\r\n"), expecting: "", complete: false)
                == .down("malformed status line \"SSH-2.0-OpenSSH\""))
    }

    @Test func expectedTextMustBeInTheBody() {
        let answer = "HTTP/1.1 200 OK\r\nX-Status: healthy\r\n\r\nstatus: ok"
        #expect(HTTPProbeResponse.judge(Self.bytes(answer), expecting: "status: ok", complete: false) == .up)
        #expect(HTTPProbeResponse.judge(Self.bytes(answer), expecting: "healthy", complete: false) == .needMore)
        #expect(
            HTTPProbeResponse.judge(Self.bytes(answer), expecting: "healthy", complete: true)
                == .down("the response does not contain \"healthy\""), "a header is not the body")
    }
}
