import Foundation
import Hummingbird
import SwiftLBCore

/// loxilb's configuration file paths: `GET /config/export` writes every rule as one JSON file,
/// `POST /config/import` replaces every rule with a file's, all or nothing.
struct ConfigFileHandlers {
    let store: RuleStore
    let version: String
    var firewall: FirewallStore? = nil

    static let exportPath = APIRoutes.base + "/config/export"
    static let importPath = APIRoutes.base + "/config/import"

    var routes: [(path: String, method: HTTPRequest.Method, handler: Handler)] {
        [(Self.exportPath, .get, export), (Self.importPath, .post, importFile)]
    }

    @Sendable func export(_ request: Request, context: BasicRequestContext) async throws -> Response {
        var file = ConfigExport(
            timestamp: Date().formatted(.iso8601), version: version, loadbalancer: await store.configuredEntries(),
            endpoint: await store.configuredEndpointEntries())
        file.firewall = (await firewall?.entries() ?? []).map { entry in
            var entry = entry
            entry.opts.counter = ""
            return entry
        }
        var response = JSONResponse.make(file)
        let stamp = Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: false))
            .replacingOccurrences(of: ":", with: "")
        response.headers[.contentDisposition] = "attachment; filename=swiftlb-config-\(stamp).json"
        return response
    }

    /// The file comes as the JSON body, or (as loxilb's clients send it) as the `configuration`
    /// part of a multipart form.
    @Sendable func importFile(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let body = Data(buffer: try await request.body.collect(upTo: APIRoutes.maxImportSize))
        let json = try MultipartForm.part(named: "configuration", of: body, contentType: request.headers[.contentType])
        let file = try LoxiJSON.decodeRequest(ConfigExport.self, from: json ?? body)
        guard file.hasLoadBalancerKey else {
            throw APIError.badRequest(
                field: "loadbalancer",
                message:
                    "the file has no loadbalancer list; send {\"loadbalancer\": []} to delete every rule on purpose")
        }
        let summary = try await store.replaceAll(with: file.loadbalancer)
        return JSONResponse.make(
            PostSuccess(result: "Success: \(summary.added) added, \(summary.kept) kept, \(summary.removed) removed"))
    }
}

/// Just enough of multipart/form-data (RFC 7578) to take one named part out of a form.
enum MultipartForm {
    /// The body of the part called `name` when `contentType` is multipart/form-data; nil when the
    /// request is not multipart. 400 when it is, but the part is missing or the form is malformed.
    static func part(named name: String, of body: Data, contentType: String?) throws(APIError) -> Data? {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        guard let boundaryRange = contentType.range(of: "boundary=", options: .caseInsensitive) else {
            throw .badRequest(field: "Content-Type", message: "a multipart/form-data body needs a boundary parameter")
        }
        let boundary = contentType[boundaryRange.upperBound...].split(separator: ";")[0]
            .trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
        let delimiter = Data("--\(boundary)".utf8)
        let separator = Data("\r\n\r\n".utf8)
        var cursor = body.startIndex
        while let start = body.range(of: delimiter, in: cursor..<body.endIndex) {
            cursor = start.upperBound
            guard let headersEnd = body.range(of: separator, in: cursor..<body.endIndex) else { break }
            let headers = String(decoding: body[cursor..<headersEnd.lowerBound], as: UTF8.self).lowercased()
            let contentStart = headersEnd.upperBound
            guard let next = body.range(of: Data("\r\n".utf8) + delimiter, in: contentStart..<body.endIndex) else {
                break
            }
            if headers.contains("name=\"\(name.lowercased())\"") { return body[contentStart..<next.lowerBound] }
            cursor = next.lowerBound
        }
        throw .badRequest(
            field: name,
            message: "the multipart form has no \"\(name)\" part; send the file as \(name) or as a JSON body")
    }
}
