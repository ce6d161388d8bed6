import Foundation
import Hummingbird
import Model
import Pool
import Provisioning
import Reports
import SNMP
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
    /// The SNMP engine plans are surveyed and applied through (the daemon's own).
    let engine: SNMPEngine
    let now: @Sendable () -> Date
    /// The city's findings, judged at most once a minute for every token alike.
    let cache = FindingsCache(seconds: 60)

    public init(
        configuration: @escaping @Sendable () async throws -> CityConfiguration, database: StoreDatabase, engine: SNMPEngine,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.configuration = configuration
        self.database = database
        self.engine = engine
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
            case .json: return Representation(try report.json(), contentType: "application/json", tagged: true).response(to: request)
            case .csv: return Representation(Data(report.csv().utf8), contentType: "text/csv; charset=utf-8", tagged: true).response(to: request)
            case .html:
                return Representation(Data(report.html(inventory: view.inventory).utf8), contentType: "text/html; charset=utf-8", tagged: true)
                    .response(to: request)
            }
        },
        Operation(method: .get, path: "/fleet", scope: .read) { _, _, view in json(try view.fleet()) },
        Operation(method: .get, path: "/access-points", scope: .read) { request, _, view in
            let hours = try number(request, "hours", in: 1...720) ?? 24
            return try page(view.accessPoints(county: query(request, "county"), school: query(request, "school"), hours: hours), request, id: \.id)
        },
        Operation(method: .get, path: "/pool", scope: .read) { _, _, view in json(try view.pool()) },
        Operation(method: .get, path: "/pool/allocations", scope: .read) { request, _, view in
            let released = try choice(request, "released", of: Switch.self) == .true
            return try page(view.allocations(tenant: query(request, "tenant"), released: released), request, id: { String($0.id) }) {
                allocation, cursor in Int64(cursor).map { allocation.id > $0 } ?? true
            }
        },
        Operation(method: .post, path: "/pool/allocations", scope: .operate) { request, _, view in
            let body = try await AllocationRequest(request)
            guard !body.force || view.token.scope >= .admin else {
                throw Problem(.forbidden, "`force` stores what breaks site-loss survival: it needs an admin token", field: "force")
            }
            let outcome = try view.allocate(body.request, force: body.force, dryRun: body.dryRun, reason: body.reason, path: request.uri.path)
            return json(outcome, status: outcome.allocation == nil ? .ok : .created)
        },
        Operation(method: .post, path: "/pool/allocations/{id}/release", scope: .operate) { request, parameters, view in
            let body = try await BodyFields(request)
            return json(try view.release(parameters.id, reason: try body.required("reason", reasonText, BodyFields.text), path: request.uri.path))
        },
        Operation(method: .get, path: "/provisioning/plans", scope: .read) { request, _, view in try page(view.plans(), request, id: \.id) },
        Operation(method: .get, path: "/provisioning/plans/{id}", scope: .read) { _, parameters, view in json(try view.plan(parameters.id)) },
        Operation(method: .post, path: "/provisioning/plans", scope: .operate) { request, _, view in
            let body = try await PlanRequest(request)
            let plan = try await view.makePlan(body.request, county: body.county, school: body.school, device: body.device, path: request.uri.path)
            return json(plan, status: plan.id == nil ? .ok : .created)
        },
        Operation(method: .post, path: "/provisioning/plans/{id}/apply", scope: .admin) { request, parameters, view in
            let body = try await BodyFields(request)
            let minutes = try body.optional("confirm_within_minutes", "a number of minutes from 1 to 1440", BodyFields.number(in: 1...1440))
            let reason = try body.required("reason", reasonText, BodyFields.text)
            return json(try await view.apply(plan: parameters.id, reason: reason, confirmWithin: minutes.map { $0 * 60 }, path: request.uri.path))
        },
        Operation(method: .post, path: "/provisioning/plans/{id}/confirm", scope: .admin) { request, parameters, view in
            json(try view.confirm(plan: parameters.id, path: request.uri.path))
        },
        Operation(method: .post, path: "/provisioning/plans/{id}/undo", scope: .admin) { request, parameters, view in
            let reason = try await BodyFields(request).required("reason", reasonText, BodyFields.text)
            return json(try await view.undo(plan: parameters.id, reason: reason, path: request.uri.path))
        },
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
            let key = [hours.description, rule?.rawValue ?? "", verdict?.rawValue ?? "", county ?? "", school ?? ""].joined(separator: "\u{1}")
            return try await view.findingsAnswer(hours: hours, key: key) { findings in
                let chosen = findings.filter { finding in
                    (rule == nil || finding.rule == rule) && (verdict == nil || finding.verdict == verdict)
                        && (county == nil || finding.subject.county == county) && (school == nil || finding.subject.school == school)
                }
                return Representation((try? encoder.encode(["findings": chosen])) ?? Data(), contentType: "application/json", tagged: true)
            }.response(to: request)
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
        return CityView(token: token, configuration: configuration, database: database, now: now(), cache: cache, engine: engine)
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

    enum ReportFormat: String, CaseIterable { case json, csv, html }

    /// A query parameter that is true or false.
    enum Switch: String, CaseIterable {
        case `true`, `false`
    }

    /// What a write's `reason` must be.
    static let reasonText = "why, in words (it goes into the audit log)"

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

        init(_ request: Request) async throws(Problem) {
            let body = try await BodyFields(request)
            matchers = try body.required("matchers", "an object of label names to values, at least one", BodyFields.labels)
            hours = try body.required("hours", "a number of hours from 0.1 (6 minutes) to 720", BodyFields.number(in: 0.1...720))
            reason = try body.required("reason", "why, in words (it is shown with the silence)", BodyFields.text)
        }
    }

    /// The body of `POST /pool/allocations`: `{"tenant": "xq-no1-primary", "vcpus": 16, "memory": "64GiB", "storage":
    /// "2TiB", "reason": "录播系统"}`, with `name`, `service`, `site`, `dry_run` and `force` besides.
    struct AllocationRequest {
        let request: PoolRegister.Request
        let reason: String
        let dryRun: Bool
        let force: Bool

        init(_ http: Request) async throws(Problem) {
            let body = try await BodyFields(http)
            let tenant = try body.required("tenant", "a school, county or platform id", BodyFields.text)
            let size = "a size with its unit (KiB to PiB, kB to PB), such as 64GiB, 2TiB or 500GB"
            let vcpus = try body.optional("vcpus", "a whole number of vCPUs from 0 to 100000", BodyFields.number(in: 0...100_000))
            guard (vcpus ?? 0).rounded() == vcpus ?? 0 else { throw Problem(.badRequest, "`vcpus` must be a whole number", field: "vcpus") }
            request = PoolRegister.Request(
                tenant: tenant, name: try body.optional("name", "the workload's name", BodyFields.text) ?? tenant,
                service: try body.optional("service", "a cloud service's id", BodyFields.text),
                site: try body.optional("site", "a cloud site's id", BodyFields.text),
                resources: Resources(
                    vcpus: Int(vcpus ?? 0), memory: try body.optional("memory", size, Self.size) ?? ByteSize(bytes: 0),
                    storage: try body.optional("storage", size, Self.size) ?? ByteSize(bytes: 0)))
            reason = try body.required("reason", reasonText, BodyFields.text)
            dryRun = try body.optional("dry_run", "true or false", BodyFields.flag) ?? false
            force = try body.optional("force", "true or false", BodyFields.flag) ?? false
        }

        /// A size as the document writes it: 1 or more (up to two decimals) of a unit of a kilobyte or more, so that no
        /// size written is rounded to nothing.
        static func size(_ value: BodyFields.Value) -> ByteSize? {
            guard let text = BodyFields.text(value),
                text.wholeMatch(of: #/[1-9][0-9]{0,3}(\.[0-9]{1,2})?(PiB|TiB|GiB|MiB|KiB|PB|TB|GB|MB|KB|kB)/#) != nil
            else { return nil }
            return ByteSize(text)
        }
    }

    /// The body of `POST /provisioning/plans`: `{"kind": "alias", "county": "yongning"}`; a quarantine's with `mac`.
    struct PlanRequest {
        let request: PlanMaker.Request
        let county: String?
        let school: String?
        let device: String?

        init(_ http: Request) async throws(Problem) {
            let body = try await BodyFields(http)
            let kinds = PlanMaker.Kind.allCases.map(\.rawValue).joined(separator: ", ")
            let kind = try body.required("kind", "one of \(kinds)", { BodyFields.text($0).flatMap(PlanMaker.Kind.init(rawValue:)) })
            let mac = try body.optional("mac", "a MAC address: six hex pairs with colons or hyphens, such as 00:0c:29:aa:bb:cc", Self.mac)
            switch (kind, mac) {
            case (.alias, nil): request = .alias
            case (.unusedPorts, nil): request = .unusedPorts
            case (.quarantine, let mac?): request = .quarantine(station: mac)
            case (.quarantine, nil): throw Problem(.badRequest, "a quarantine plan needs `mac`: the station to quarantine", field: "mac")
            default: throw Problem(.badRequest, "`mac` is for a quarantine plan only", field: "mac")
            }
            county = try body.optional("county", "a county's id", BodyFields.text)
            school = try body.optional("school", "a school's id", BodyFields.text)
            device = try body.optional("device", "a device's id", BodyFields.text)
        }

        /// A MAC address as the document writes it: six hex pairs, with colons or with hyphens.
        static func mac(_ value: BodyFields.Value) -> MACAddress? {
            guard let text = BodyFields.text(value),
                text.wholeMatch(of: #/([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}/#) != nil
                    || text.wholeMatch(of: #/([0-9A-Fa-f]{2}-){5}[0-9A-Fa-f]{2}/#) != nil
            else { return nil }
            return MACAddress(parsing: text)
        }
    }
}
