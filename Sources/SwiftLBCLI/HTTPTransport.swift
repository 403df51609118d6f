/// Sends an `APIRequest` and returns whatever the server answered, any status included.
///
/// Only failures to get an answer at all (connection refused, timeout) are errors here; deciding
/// whether a status is a success is `APIClient`'s job. Tests substitute a fake that records requests.
public protocol HTTPTransport: Sendable {
    /// Sends `request`; throws `.unreachable` or `.timedOut` when no answer arrives.
    func send(_ request: APIRequest) async throws(CLIError) -> APIResponse
}
