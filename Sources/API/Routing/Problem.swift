import Foundation
import Hummingbird

/// An API error as RFC 9457 problem details (`application/problem+json`): a status, a title, what happened and, for bad
/// input, the field at fault. Every refusal of the API is one of these, so that the bureau's systems read one shape.
public struct Problem: HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    public let detail: String
    /// The query parameter or body field at fault, for bad input.
    public let field: String?
    /// Headers the answer carries besides (`WWW-Authenticate` on a 401, `Retry-After` on a 429).
    public let headers: HTTPFields

    public init(_ status: HTTPResponse.Status, _ detail: String, field: String? = nil, headers: HTTPFields = [:]) {
        self.status = status
        self.detail = detail
        self.field = field
        self.headers = headers
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var body: [String: Any] = ["type": "about:blank", "title": status.reasonPhrase, "status": status.code, "detail": detail]
        if let field { body["field"] = field }
        let data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
        var headers = self.headers
        headers[.contentType] = "application/problem+json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func unauthorized(_ detail: String) -> Problem {
        Problem(.unauthorized, detail, headers: [.wwwAuthenticate: "Bearer realm=\"edunet\""])
    }

    /// What a token of another county, or a missing object, gets alike: nothing says the object exists.
    static func notFound(_ kind: String, _ id: String) -> Problem { Problem(.notFound, "no \(kind) `\(id)`") }
}
