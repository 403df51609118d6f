import Hummingbird
import SwiftLBCore

/// Turns every error escaping a handler, the router's own 404 included, into a loxilb
/// `ErrorModel` answer with `Content-Type: application/json`, so clients never see an empty or
/// non-JSON error.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return JSONResponse.error(error)
        } catch let error as MethodNotAllowed {
            return JSONResponse.error(error.apiError, headers: error.headers)
        } catch let error as any HTTPResponseError {
            return JSONResponse.error(ErrorMiddleware.apiError(for: error.status, request: request))
        } catch {
            context.logger.error(
                "unexpected error in API handler",
                metadata: ["method": "\(request.method)", "path": "\(request.uri.path)", "error": "\(error)"])
            return JSONResponse.error(.internalError("internal error (\(error)); check the daemon log"))
        }
    }

    /// The body for Hummingbird's own errors: an unknown path or an oversized body.
    static func apiError(for status: HTTPResponse.Status, request: Request) -> APIError {
        switch status {
        case .notFound:
            return .notFound(
                "no API path \(request.method.rawValue) \(request.uri.path); see the loxilb API under /netlox/v1",
                fields: ["path"])
        case .contentTooLarge:
            return APIError(
                status: 413, message: "the request body is larger than \(APIRoutes.maxBodySize) bytes; send less",
                fields: ["body"])
        default:
            return APIError(status: status.code, message: status.reasonPhrase)
        }
    }
}
