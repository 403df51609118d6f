import Foundation

/// libFuzzer's entry point: one arbitrary request body per call, run through every body type the
/// REST API accepts (see `JSONBodyFuzzer`). A finding stops the process (`FuzzInvariant.fail`), so
/// libFuzzer saves the input; everything else returns 0.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let body = bytes.map { Data(bytes: $0, count: count) } ?? Data()
    JSONBodyFuzzer.check(body)
    return 0
}
