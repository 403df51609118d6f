import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The real transport: plain HTTP through Foundation's URLSession.
public struct URLSessionTransport: HTTPTransport {
    /// Where requests go: the connection settings from the global options.
    public let endpoint: APIEndpoint
    private let session: URLSession

    /// Creates a transport for `endpoint`; every request is bounded by its timeout.
    public init(endpoint: APIEndpoint) {
        self.endpoint = endpoint
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = TimeInterval(endpoint.timeoutSeconds)
        configuration.timeoutIntervalForResource = TimeInterval(endpoint.timeoutSeconds)
        self.session = URLSession(configuration: configuration)
    }

    /// Sends `request` and collects the whole answer.
    public func send(_ request: APIRequest) async throws(CLIError) -> APIResponse {
        guard let url = URL(string: endpoint.baseURL + request.path) else {
            throw .invalidInput("cannot form a URL from \(endpoint.baseURL)\(request.path)")
        }
        var urlRequest = URLRequest(url: url, timeoutInterval: TimeInterval(endpoint.timeoutSeconds))
        urlRequest.httpMethod = request.method.rawValue
        urlRequest.setValue("application/json", forHTTPHeaderField: "Accept")
        if let body = request.body {
            urlRequest.httpBody = body
            urlRequest.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        if let token = endpoint.token {
            urlRequest.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        }
        do {
            let (data, response) = try await session.data(for: urlRequest)
            guard let http = response as? HTTPURLResponse else {
                throw CLIError.badResponse("not an HTTP answer")
            }
            return APIResponse(status: http.statusCode, body: data)
        } catch let error as CLIError {
            throw error
        } catch let error as URLError where error.code == .timedOut {
            throw .timedOut(url: endpoint.baseURL, seconds: endpoint.timeoutSeconds)
        } catch {
            throw .unreachable(url: endpoint.baseURL, reason: error.localizedDescription)
        }
    }
}
