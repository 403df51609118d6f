import Testing

@testable import SwiftLBCore

/// The sizing flags (`--max-services`, `--endpoint-entries`, `--selection-tables`) and what they
/// size; the daemon refuses values outside the ranges with the message `problem` gives.
struct DatapathCapacityTests {
    @Test("the defaults: 65,536 services, 131,072 match keys, 262,144 endpoint slots, 1,024 tables")
    func defaults() {
        let capacity = DatapathCapacity.defaults
        #expect(capacity.maxServices == 65536 && capacity.serviceKeys == 131_072)
        #expect(capacity.endpointEntries == 262_144 && capacity.selectionTables == 1024)
        #expect(capacity.problem == nil)
    }

    @Test("the match table holds two keys per service, never fewer than 65,536")
    func serviceKeys() {
        #expect(DatapathCapacity(maxServices: 1024).serviceKeys == 65536)
        #expect(DatapathCapacity(maxServices: 131_072).serviceKeys == 262_144)
        #expect(RuleTable(maxServices: 200_000).maxServiceKeys == 400_000)
        #expect(RuleTable(maxServices: 10).maxServiceKeys == 65536)
    }

    @Test(
        "values outside the ranges name their flag",
        arguments: [
            (DatapathCapacity(maxServices: 1023), "--max-services must be 1024...4194304"),
            (DatapathCapacity(maxServices: 4_194_305), "--max-services must be 1024...4194304"),
            (DatapathCapacity(endpointEntries: 1000), "--endpoint-entries must be 1024...16777216"),
            (DatapathCapacity(endpointEntries: 16_777_217), "--endpoint-entries must be 1024...16777216"),
            (DatapathCapacity(selectionTables: 0), "--selection-tables must be 1...16384"),
            (DatapathCapacity(selectionTables: 16385), "--selection-tables must be 1...16384"),
        ])
    func outOfRange(capacity: DatapathCapacity, message: String) {
        #expect(capacity.problem == message)
    }

    @Test("the extremes are accepted")
    func extremes() {
        #expect(
            DatapathCapacity(maxServices: 4_194_304, endpointEntries: 16_777_216, selectionTables: 16384).problem == nil
        )
        #expect(DatapathCapacity(maxServices: 1024, endpointEntries: 1024, selectionTables: 1).problem == nil)
    }
}
