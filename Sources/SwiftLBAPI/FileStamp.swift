import Foundation

/// Modification time and size of files: what tells that one was replaced or rewritten, for the
/// files the API rereads on change (TLS certificate and key, token file).
struct FileStamp: Equatable, Sendable {
    private let parts: [String]

    init(_ paths: [String]) {
        parts = paths.map { path in
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return "missing" }
            let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            return "\(modified)/\(attributes[.size] as? Int ?? -1)"
        }
    }
}
