import Foundation
import Logging
import SwiftLBCore
import Testing

/// Builders shared by the core tests.
enum Fixtures {
    static func entry(
        _ ip: String = "10.0.0.1", port: Int = 80, proto: String = "tcp", sel: Int = 0, name: String = "",
        endpoints: [(String, Int, Int)] = [("10.0.1.1", 8080, 1)]
    ) -> LoadBalancerEntry {
        LoadBalancerEntry(
            serviceArguments: ServiceArguments(externalIP: ip, port: port, protocol: proto, sel: sel, name: name),
            endpoints: endpoints.map { LBEndpoint(endpointIP: $0.0, targetPort: $0.1, weight: $0.2) })
    }

    static func key(_ ip: String, _ port: UInt16, _ proto: L4Protocol = .tcp) -> ServiceKey {
        ServiceKey(vip: ip4(ip), port: port, proto: proto)
    }

    static func ip4(_ text: String) -> IPAddress {
        guard let address = IPAddress(text), address.isV4 else {
            preconditionFailure("fixture address \(text) is not IPv4")
        }
        return address
    }

    static func service(
        _ id: UInt32, _ ip: String, _ port: UInt16, sel: SelectionAlgorithm = .roundRobin,
        endpoints: [(String, UInt16, UInt16)] = [("10.0.1.1", 8080, 1)]
    ) -> DatapathService {
        DatapathService(
            id: id, key: key(ip, port), selection: sel, mode: .dnat,
            endpoints: endpoints.map { DatapathEndpoint(address: ip4($0.0), port: $0.1, weight: $0.2) })
    }

    // Rollback tests provoke critical logs on purpose; keep the test output readable.
    static let logger = Logger(label: "swiftlb.tests", factory: { _ in SwiftLogNoOpLogHandler() })

    static func json(_ text: String) -> Data { Data(text.utf8) }
}

/// Runs `body` and returns the `APIError` it throws; nil (and a recorded issue) when it does not throw one.
func apiError(_ body: () async throws -> Void) async -> APIError? {
    do {
        try await body()
        Issue.record("expected an APIError, but the call succeeded")
        return nil
    } catch let error as APIError {
        return error
    } catch {
        Issue.record("expected an APIError, got \(error)")
        return nil
    }
}
