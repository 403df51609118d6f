import Foundation

/// Feeds one body to each POST handler's code path, in the order of the API's routes.
///
/// Each handler decodes its body with `LoxiJSON.decodeRequest` and hands the value to the `RuleStore`
/// or the BGP subsystem, whose first step is the validator; the checks below call the same functions.
/// A body that is valid for one type is usually decodable as the others (unknown keys are ignored),
/// so one input exercises all five.
enum JSONBodyFuzzer {
    /// Runs every check on `body`; returns normally unless a finding stops the process.
    static func check(_ body: Data) {
        PlainJSONCheck.check(body)
        RuleBodyCheck.check(body)
        EndpointBodyCheck.check(body)
        HostStateBodyCheck.check(body)
        BGPBodyCheck.checkGlobal(body)
        BGPBodyCheck.checkNeighbor(body)
    }
}
