import CompressNIO
import Crypto
import Foundation
import Hummingbird

/// A body as the API and the dashboard send it: gzip'd for a client that takes gzip when it is worth it (the findings
/// of a 1,000-school city are 5 MB of JSON and 0.3 MB gzip'd; its landing page 300 KB and 20 KB), and, for what a
/// client polls, with an ETag so that an unchanged answer is a 304. The gzip'd form has its own ETag (`"…-gz"`): they
/// are different bytes. Made once, a representation is sent as often as asked (the findings' answers are kept a minute).
struct Representation: Sendable {
    let data: Data
    let contentType: String
    /// The ETag of `data`, when the body is one a client may ask for again with `If-None-Match`.
    let tag: String?
    /// `data` gzip'd; nil when it is too small to be worth it (under 1 KiB).
    let gzipped: Data?

    init(_ data: Data, contentType: String, tagged: Bool) {
        self.data = data
        self.contentType = contentType
        tag = tagged ? "\"" + SHA256.hash(data: data).prefix(12).map { String(format: "%02x", $0) }.joined() + "\"" : nil
        gzipped = data.count >= 1024 ? Self.gzip(data) : nil
    }

    static func gzip(_ data: Data) -> Data? {
        var buffer = ByteBuffer(bytes: data)
        guard let compressed = try? buffer.compress(with: .gzip()) else { return nil }
        return Data(buffer: compressed)
    }

    /// The answer to `request`: a 304 when its `If-None-Match` names the tag it would get, the gzip'd bytes when it
    /// takes gzip, else the bytes as they are.
    func response(to request: Request, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) -> Response {
        let gzip = gzipped != nil && Self.acceptsGzip(request)
        var headers = extra
        headers[.vary] = "Accept-Encoding"
        if let tag {
            let sent = gzip ? String(tag.dropLast()) + "-gz\"" : tag
            headers[.eTag] = sent
            if let asked = request.headers[.ifNoneMatch],
                asked.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == sent })
            {
                return Response(status: .notModified, headers: headers)
            }
        }
        headers[.contentType] = contentType
        if gzip { headers[.contentEncoding] = "gzip" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: gzip ? gzipped! : data)))
    }

    /// Whether `Accept-Encoding` takes gzip (`gzip`, `gzip;q=0.5`; not `gzip;q=0`).
    static func acceptsGzip(_ request: Request) -> Bool {
        guard let accepted = request.headers[.acceptEncoding] else { return false }
        return accepted.split(separator: ",").contains { coding in
            let fields = coding.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard fields.first == "gzip" else { return false }
            let quality = fields.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return quality > 0
        }
    }
}
