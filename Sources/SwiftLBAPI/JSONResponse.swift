import Hummingbird
import SwiftLBCore

/// Builds answers with a JSON body and `Content-Type: application/json`.
enum JSONResponse {
    /// `value` encoded with loxilb's key names.
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let body = ByteBuffer(bytes: LoxiJSON.encode(value))
        return Response(
            status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: body))
    }

    /// `{"result":"Success"}`, encoded once: every successful POST answers it.
    static var success: Response {
        Response(
            status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: successBody))
    }

    private static let successBody = ByteBuffer(bytes: LoxiJSON.encode(PostSuccess()))

    /// The loxilb error body for `error`, with extra headers (such as `Allow`) if given.
    static func error(_ error: APIError, headers: HTTPFields = [:]) -> Response {
        var response = make(error.model, status: HTTPResponse.Status(code: error.status))
        response.headers.append(contentsOf: headers)
        return response
    }
}
