import Foundation

/// The API's OpenAPI 3.1 document (`openapi.json` beside this file, committed and served as it is at
/// `/api/v1/openapi.json`): written by hand, held to `APIRoutes.operations` by a test.
public enum OpenAPIDocument {
    public static let data: Data = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json"), let data = try? Data(contentsOf: url) else {
            fatalError("openapi.json is missing from the API module's resources: the build is broken")
        }
        return data
    }()

    /// Each operation of the document: its method (upper case), its path under `/api/v1` and the scope it needs
    /// (`x-edunet-scope`).
    public static func operations() -> [(method: String, path: String, scope: String)] {
        guard let document = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let paths = document["paths"] as? [String: [String: Any]]
        else { return [] }
        return paths.flatMap { path, methods in
            methods.compactMap { method, operation in
                (operation as? [String: Any]).map { (method.uppercased(), path, $0["x-edunet-scope"] as? String ?? "") }
            }
        }.sorted { ($0.path, $0.method) < ($1.path, $1.method) }
    }
}
