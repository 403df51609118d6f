import BPFLoader
import Foundation
import PacketTestSupport
import Testing

@testable import SwiftLBDatapath

/// Runs a scapy fixture script of Tests/Fixtures and decodes its cases (case name -> input frame and the frame
/// the datapath must leave, nil for a drop): the GTP-U, SCTP multihoming and SRv6 cross-checks.
enum ScapyFixture {
    struct Case: Decodable {
        var `in`: String
        var out: String?
    }

    /// Runs `script` with `arguments` (`key=value`); fails the test when scapy cannot run.
    static func cases(_ script: String, _ arguments: [String] = []) throws -> [String: Case] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/\(script)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [url.path] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(script) failed (python3-scapy installed?)")
        return try JSONDecoder().decode([String: Case].self, from: data)
    }

    static func bytes(_ hex: String) -> [UInt8] {
        var result: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            result.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return result
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    /// The input frame of case `name`.
    static func input(_ cases: [String: Case], _ name: String) throws -> [UInt8] {
        bytes(try #require(cases[name], "no case \(name)").in)
    }

    /// Runs case `name` arriving on `ifindex`: a redirect leaving exactly `out`, or a drop when `out` is null.
    /// With `unchangedPasses`, a case whose `out` is its input must pass to the stack (TC_ACT_OK) untouched.
    @discardableResult
    static func check(
        _ datapath: EBPFDatapath, _ cases: [String: Case], _ name: String, on ifindex: Int32,
        unchangedPasses: Bool = false
    ) throws -> TestRun.Result {
        let fixture = try #require(cases[name], "no case \(name)")
        let result = try TestRun.run(try datapath.programs().ingress, packet: bytes(fixture.in), ifindex: ifindex)
        guard let out = fixture.out else {
            #expect(result.verdict == Verdict.shot, "\(name): verdict \(result.verdict)")
            return result
        }
        let verdict = unchangedPasses && out == fixture.in ? Verdict.ok : Verdict.redirect
        #expect(result.verdict == verdict, "\(name): verdict \(result.verdict)")
        #expect(result.packet == bytes(out), "\(name): datapath \(hex(result.packet)) != scapy \(out)")
        return result
    }
}
