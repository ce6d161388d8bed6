import Crypto
import Foundation
import Hummingbird
import Model
import Reports
import Store

/// The API's operations, one table: each is a method, a path as the OpenAPI document writes it, the scope it needs and
/// its handler. The router is built from the table and a test holds the table and `openapi.json` to each other, so the
/// document and the server cannot drift; the scope is checked here, once, and the counties by `CityView`.
public struct APIRoutes: Sendable {
    public static let base = "/api/v1"

    /// One operation of the API.
    public struct Operation: Sendable {
        public let method: HTTPRequest.Method
        /// The path under `/api/v1` as the document writes it (`/schools/{id}`).
        public let path: String
        public let scope: APIScope
        let handler: @Sendable (Request, Parameters, CityView) async throws -> Response
    }

    /// Where the API reads the city: the configuration in force and the database.
    let configuration: @Sendable () async throws -> CityConfiguration
    let database: StoreDatabase
    let now: @Sendable () -> Date
    /// The city's findings, judged at most once a minute for every token alike.
    let cache = FindingsCache(seconds: 60)

    public init(
        configuration: @escaping @Sendable () async throws -> CityConfiguration, database: StoreDatabase,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.configuration = configuration
        self.database = database
        self.now = now
    }

    public static let operations: [Operation] = [
        Operation(method: .get, path: "/counties", scope: .read) { _, _, view in json(view.counties()) },
        Operation(method: .get, path: "/schools", scope: .read) { request, _, view in
            try page(view.schools(county: query(request, "county")), request, id: \.id)
        },
        Operation(method: .get, path: "/schools/{id}", scope: .read) { _, parameters, view in json(try view.school(parameters.id)) },
        Operation(method: .get, path: "/devices", scope: .read) { request, _, view in
            try page(view.devices(county: query(request, "county"), school: query(request, "school")), request, id: \.id)
        },
        Operation(method: .get, path: "/devices/{id}", scope: .read) { _, parameters, view in json(try view.device(parameters.id)) },
        Operation(method: .get, path: "/links", scope: .read) { request, _, view in
            try page(view.links(county: query(request, "county")), request, id: \.id)
        },
        Operation(method: .get, path: "/links/{id}", scope: .read) { _, parameters, view in json(try view.link(parameters.id)) },
        Operation(method: .get, path: "/links/{id}/utilisation", scope: .read) { request, parameters, view in
            let link = try view.link(parameters.id)
            let hours = try number(request, "hours", in: 1...720) ?? 24
            return json(LinkSeries(link: link, rates: try view.utilisation(link, hours: hours)))
        },
        Operation(method: .get, path: "/report", scope: .read) { request, _, view in
            let report = try view.report(county: query(request, "county"), hours: try number(request, "hours", in: 1...2160) ?? 168)
            switch try choice(request, "format", of: ReportFormat.self) ?? .json {
            case .json: return tagged(try report.json(), contentType: "application/json", request)
            case .csv: return tagged(Data(report.csv().utf8), contentType: "text/csv; charset=utf-8", request)
            case .html: return tagged(Data(report.html(inventory: view.inventory).utf8), contentType: "text/html; charset=utf-8", request)
            }
        },
        Operation(method: .get, path: "/fleet", scope: .read) { _, _, view in json(try view.fleet()) },
        Operation(method: .get, path: "/provisioning/history", scope: .read) { request, _, view in
            try page(view.provisioningHistory(), request, id: { String($0.id ?? 0) }) { entry, cursor in
                Int64(cursor).map { (entry.id ?? 0) > $0 } ?? true
            }
        },
        Operation(method: .get, path: "/findings", scope: .read) { request, _, view in
            let hours = try number(request, "hours", in: 1...720) ?? 24
            let rule = try choice(request, "rule", of: Finding.Rule.self)
            let verdict = try choice(request, "verdict", of: Finding.Verdict.self)
            let county = try query(request, "county")
            let school = try query(request, "school")
            let findings = try await view.findings(hours: hours).filter { finding in
                (rule == nil || finding.rule == rule) && (verdict == nil || finding.verdict == verdict)
                    && (county == nil || finding.subject.county == county) && (school == nil || finding.subject.school == school)
            }
            return tagged((try? encoder.encode(["findings": findings])) ?? Data(), contentType: "application/json", request)
        },
        Operation(method: .get, path: "/alerts", scope: .read) { request, _, view in
            let state = try choice(request, "state", of: AlertState.self)
            let alerts = try view.alerts(state: state, county: query(request, "county"), rule: query(request, "rule"))
            return try page(alerts, request, id: { String($0.id) }) { alert, cursor in Int64(cursor).map { alert.id > $0 } ?? true }
        },
        Operation(method: .get, path: "/alerts/{id}", scope: .read) { _, parameters, view in json(try view.alert(parameters.id)) },
        Operation(method: .post, path: "/alerts/{id}/ack", scope: .operate) { request, parameters, view in
            json(try view.acknowledge(parameters.id, path: request.uri.path))
        },
        Operation(method: .get, path: "/silences", scope: .read) { _, _, view in json(try view.silences()) },
        Operation(method: .post, path: "/silences", scope: .operate) { request, _, view in
            let body = try await SilenceRequest(request)
            return json(try view.silence(matchers: body.matchers, hours: body.hours, reason: body.reason, path: request.uri.path), status: .created)
        },
        Operation(method: .delete, path: "/silences/{id}", scope: .operate) { request, parameters, view in
            try view.unsilence(parameters.id, path: request.uri.path)
            return Response(status: .noContent)
        },
    ]

    /// Adds the operations and the document to `router`.
    public func register(on router: Router<APIContext>) {
        let document = OpenAPIDocument.data
        router.get(RouterPath(Self.base + "/openapi.json")) { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: document)))
        }
        for operation in Self.operations {
            router.on(RouterPath(Self.routerPath(operation.path)), method: operation.method) { [self] request, context in
                guard let token = context.token else { throw Problem.unauthorized("no token") }
                guard token.scope >= operation.scope else {
                    throw Problem(.forbidden, "token `\(token.name)` has scope \(token.scope.rawValue); this needs \(operation.scope.rawValue)")
                }
                let view = try await self.view(for: token)
                return try await operation.handler(request, Parameters(context.parameters), view)
            }
        }
        Self.registerMethodNotAllowed(on: router)
    }

    /// What `token` may see of the city now.
    func view(for token: APIToken) async throws(Problem) -> CityView {
        let configuration: CityConfiguration
        do { configuration = try await self.configuration() } catch {
            throw Problem(.serviceUnavailable, "no configuration in force: \(error)")
        }
        return CityView(token: token, configuration: configuration, database: database, now: now(), cache: cache)
    }

    /// Every other method on a path of the API: 405 with the methods it takes (`Allow`).
    static func registerMethodNotAllowed(on router: Router<APIContext>) {
        var byPath: [String: [HTTPRequest.Method]] = [:]
        for operation in operations { byPath[operation.path, default: []].append(operation.method) }
        for (path, methods) in byPath {
            let allowed = methods.map(\.rawValue).sorted().joined(separator: ", ")
            for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete, .options, .trace, HTTPRequest.Method("QUERY")!]
            where !methods.contains(method) {
                router.on(RouterPath(routerPath(path)), method: method) { request, _ -> Response in
                    throw Problem(
                        .methodNotAllowed, "\(request.method.rawValue) is not an operation of this path; it takes \(allowed)",
                        headers: [.allow: allowed])
                }
            }
        }
    }

    /// `/schools/{id}` as the router writes it: `/api/v1/schools/:id`.
    static func routerPath(_ path: String) -> String {
        base + path.replacingOccurrences(of: "{", with: ":").replacingOccurrences(of: "}", with: "")
    }

    /// The path parameters an operation takes.
    struct Parameters: Sendable {
        let id: String

        init(_ parameters: Hummingbird.Parameters) { id = parameters.get("id") ?? "" }
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The query parameter `name` as sent (empty included); nil when absent; a 400 when sent more than once.
    static func raw(_ request: Request, _ name: String) throws(Problem) -> String? {
        let values = request.uri.queryParameters[values: name[...]]
        guard values.count <= 1 else { throw Problem(.badRequest, "`\(name)` is given \(values.count) times; give it once", field: name) }
        return values.first.map(String.init)
    }

    /// A text filter: nil when absent or empty (no filter).
    static func query(_ request: Request, _ name: String) throws(Problem) -> String? {
        try raw(request, name).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// One of an enumeration's values; nil when absent; a 400 naming the values for anything else (empty included).
    static func choice<E: RawRepresentable & CaseIterable>(_ request: Request, _ name: String, of _: E.Type) throws(Problem) -> E?
    where E.RawValue == String {
        guard let text = try raw(request, name) else { return nil }
        guard let value = E(rawValue: text) else {
            throw Problem(.badRequest, "`\(name)` `\(text)` is none of \(E.allCases.map(\.rawValue).joined(separator: ", "))", field: name)
        }
        return value
    }

    static func number(_ request: Request, _ name: String, in range: ClosedRange<Double>) throws(Problem) -> Double? {
        guard let text = try raw(request, name) else { return nil }
        guard let value = Double(text), range.contains(value) else {
            throw Problem(.badRequest, "`\(name)` is `\(text)`, not a number in \(Int(range.lowerBound))…\(Int(range.upperBound))", field: name)
        }
        return value
    }

    /// A page of `items` (in their order) after the request's `cursor`, at most `limit` (100; 1…1000), with the cursor
    /// of the next page when there is one. The cursor is the last id of the page before: any text is a cursor (the
    /// items after it in the list's order), so that a page goes on past an item deleted meanwhile.
    static func page<T: Encodable>(_ items: [T], _ request: Request, id: (T) -> String, isAfter: (T, String) -> Bool) throws(Problem) -> Response {
        let limit = Int(try number(request, "limit", in: 1...1000) ?? 100)
        let rest = try query(request, "cursor").map { cursor in items.filter { isAfter($0, cursor) } } ?? items
        let shown = Array(rest.prefix(limit))
        return json(Page(items: shown, nextCursor: rest.count > limit ? shown.last.map(id) : nil))
    }

    /// A page of a list in the order of its text ids.
    static func page<T: Encodable>(_ items: [T], _ request: Request, id: @escaping (T) -> String) throws(Problem) -> Response {
        try page(items, request, id: id) { id($0) > $1 }
    }

    /// One page of a list.
    struct Page<T: Encodable>: Encodable {
        let items: [T]
        let nextCursor: String?

        enum CodingKeys: String, CodingKey {
            case items
            case nextCursor = "next_cursor"
        }
    }

    /// `data` with an ETag of its bytes; 304 with no body when the request's `If-None-Match` names it.
    static func tagged(_ data: Data, contentType: String, _ request: Request) -> Response {
        let tag = "\"" + SHA256.hash(data: data).prefix(12).map { String(format: "%02x", $0) }.joined() + "\""
        if let asked = request.headers[.ifNoneMatch], asked.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == tag })
        {
            return Response(status: .notModified, headers: [.eTag: tag])
        }
        return Response(status: .ok, headers: [.contentType: contentType, .eTag: tag], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    enum ReportFormat: String, CaseIterable { case json, csv, html }

    /// A link and the rates at its downstream end.
    struct LinkSeries: Encodable {
        let link: Link
        let rates: [InterfaceMeasurement]
    }

    /// The body of `POST /silences`: `{"matchers": {"county": "yongning"}, "hours": 2, "reason": "…"}`.
    struct SilenceRequest {
        let matchers: [String: String]
        let hours: Double
        let reason: String

        init(_ request: Request) async throws {
            let buffer: ByteBuffer
            do { buffer = try await request.body.collect(upTo: 64 * 1024) } catch {
                throw Problem(.contentTooLarge, "the body is over 64 KiB")
            }
            guard let body = try? JSONDecoder().decode(Fields.self, from: Data(buffer: buffer)) else {
                throw Problem(.badRequest, "the body is not a JSON object", field: "body")
            }
            guard let matchers = body.matchers, !matchers.isEmpty, matchers.allSatisfy({ !$0.key.isEmpty && !$0.value.isEmpty }) else {
                throw Problem(.badRequest, "`matchers` must be an object of label names to values, at least one", field: "matchers")
            }
            guard let hours = body.hours, hours >= 0.1, hours <= 720 else {
                throw Problem(.badRequest, "`hours` must be a number of hours from 0.1 (6 minutes) to 720", field: "hours")
            }
            guard let reason = body.reason, !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw Problem(.badRequest, "`reason` must say why (it is shown with the silence)", field: "reason")
            }
            self.matchers = matchers
            self.hours = hours
            self.reason = reason
        }

        /// The body's fields, each nil when absent or of the wrong type (so that the problem names the field).
        struct Fields: Decodable {
            let matchers: [String: String]?
            let hours: Double?
            let reason: String?

            init(from decoder: any Decoder) throws {
                let c = try decoder.container(keyedBy: CodingKeys.self)
                matchers = try? c.decode([String: String].self, forKey: .matchers)
                hours = try? c.decode(Double.self, forKey: .hours)
                reason = try? c.decode(String.self, forKey: .reason)
            }

            enum CodingKeys: String, CodingKey { case matchers, hours, reason }
        }
    }
}
