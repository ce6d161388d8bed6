import API
import Alerting
import Compliance
import CompressNIO
import DaemonHTTP
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Model
import Pool
import Prometheus
import SNMP
import Store
import TestSupport
import Testing

/// The API as edunetd serves it, over loopback: tokens of every kind against every operation of the OpenAPI document
/// (a table-driven test over the document, so a new operation cannot skip it), the document held to the routes, paging,
/// problem details that name the field, and the ETag of the findings.
@Suite("The HTTP API")
struct APITests {
    /// A city of two counties' objects (the compliance fixture: schools s1 and v1 in Yongning, Helan's aggregation
    /// switch) with a compute pool of two sites, an alert in each county, an allocation and a plan of Yongning's, and
    /// tokens of every kind.
    final class City: Sendable {
        let fixture: ComplianceFixture
        let configuration: CityConfiguration
        let database: StoreDatabase
        let engine = SNMPEngine()
        let path: String
        let key: TokenKey
        let now = Date(timeIntervalSince1970: 1_796_000_000)
        let yongningAlert: Int64
        let helanAlert: Int64
        let yongningSilence: Int64
        let yongningAllocation: Int64
        let yongningPlan: String
        /// name → token
        let tokens: [String: String]

        init() async throws {
            fixture = try ComplianceFixture()
            // Half an hour of s1-up's rates, so that its charts have something to draw.
            try fixture.rates("s1-core", "U1", inbound: (0..<30).map { 1.0e9 + Double($0) * 1.0e7 })
            let inventory = fixture.directory.appendingPathComponent("inventory")
            try Self.cloud.write(to: inventory.appendingPathComponent("cloud.yaml"), atomically: true, encoding: .utf8)
            configuration = try ConfigurationLoader.load(
                inventoryDirectory: inventory.path, policiesDirectory: TestAgents.root.appendingPathComponent("policies").path)
            database = fixture.store.database
            path = fixture.directory.appendingPathComponent("city.sqlite").path
            key = try TokenKey.beside(database: path, create: true)
            let engine = try AlertEngine(store: AlertStore(database: database), policy: AlertFixture.policy(), logger: Logger(label: "test"), at: now)
            for (subject, county) in [("s1-core", "yongning"), ("agg-hl-sw", "helan")] {
                try await engine.raise(
                    AlertSignal(
                        rule: "device_unreachable", subject: subject, severity: .critical, labels: ["device": subject, "county": county],
                        summary: BilingualText(zh: "\(subject) 不可达", en: "\(subject) unreachable")), hold: nil, at: now)
            }
            let alerts = try AlertStore(database: database).alerts()
            yongningAlert = try #require(alerts.first { $0.subject == "s1-core" }?.id)
            helanAlert = try #require(alerts.first { $0.subject == "agg-hl-sw" }?.id)
            yongningSilence = try AlertStore(database: database).add(
                Silence(
                    kind: .maintenance, matchers: ["county": "yongning"], startsAt: now, endsAt: now.addingTimeInterval(3600), author: "李工",
                    reason: "维护", createdAt: now))
            yongningAllocation = try PoolRegister(store: PoolStore(database: database), measurements: fixture.store, configuration: configuration)
                .allocate(
                    PoolRegister.Request(
                        tenant: "s1", name: "录播", service: nil, site: nil,
                        resources: Resources(vcpus: 8, memory: .gibibytes(32), storage: .tebibytes(1))),
                    force: false, by: "李工", why: "录播系统", at: now
                ).0.id
            yongningPlan = try ProvisioningStore(database: database).save(
                kind: "alias",
                changes: [ProvisioningChange(device: "s1-core", interface: "U1", object: "1.3.6.1.2.1.31.1.1.1.18.1", current: nil, new: "s1-up")],
                at: now)
            var random = SplitMix(seed: 7)
            var made: [String: String] = [:]
            let store = APITokenStore(database: database)
            for (name, scope, counties, expires) in [
                ("city-read", APIScope.read, [String](), nil as Date?), ("city-operate", .operate, [], nil), ("city-admin", .admin, [], nil),
                ("helan-operate", .operate, ["helan"], nil), ("helan-admin", .admin, ["helan"], nil),
                ("yongning-read", .read, ["yongning"], nil), ("expired", .admin, [], now.addingTimeInterval(-1)), ("revoked", .admin, [], nil),
            ] {
                let secret = TokenCodec.generate(using: &random)
                try store.create(
                    APIToken(name: name, hint: TokenCodec.hint(secret), scope: scope, counties: counties, createdAt: now, expiresAt: expires),
                    hash: TokenCodec.hash(secret, key: key))
                made[name] = secret
            }
            try store.revoke(name: "revoked", at: now)
            tokens = made
        }

        /// The compute pool: two sites of one 96-vCPU host each, and the city's platform as a tenant.
        static let cloud = ComputePoolYAML.twoSites(
            nodes: ("city-core-a", "city-core-b"), management: ("{address: 127.2.1.1}", "{address: 127.2.1.2}"), profile: "v2")

        /// For an operation of the document: the id of Yongning's object its path names, the body of a write that names
        /// Yongning's things, and what Helan's token must get (nil: 200, with nothing of Yongning's in it).
        func yongningObject(_ path: String, _ method: HTTPRequest.Method) -> (id: String, body: String?, helan: (HTTPResponse.Status, String?)?) {
            let id =
                switch path.split(separator: "/").first {
                case "schools": "s1"
                case "devices": "s1-core"
                case "links": "s1-up"
                case "silences": String(yongningSilence)
                case "pool": String(yongningAllocation)
                case "provisioning": yongningPlan
                default: String(yongningAlert)
                }
            let reason = #""reason":"x""#
            switch (method, path) {
            case (.post, "/silences"): return (id, #"{"matchers":{"county":"yongning"},"hours":1,\#(reason)}"#, (.badRequest, "matchers"))
            case (.post, "/pool/allocations"): return (id, #"{"tenant":"s1","vcpus":1,\#(reason)}"#, (.notFound, "tenant"))
            case (.post, "/provisioning/plans"): return (id, #"{"kind":"alias","school":"s1"}"#, (.notFound, "school"))
            case (.post, _) where path.hasSuffix("/confirm"): return (id, nil, (.notFound, nil))
            case (.post, _): return (id, path.hasSuffix("/ack") ? nil : "{\(reason)}", (.notFound, nil))
            case (_, _) where path.contains("{id}"): return (id, nil, (.notFound, nil))
            default: return (id, nil, nil)
            }
        }

        /// The API over `configuration` (the city's, unless a test gives its own).
        func application(configuration: CityConfiguration? = nil) throws -> some ApplicationProtocol {
            let configuration = configuration ?? self.configuration
            let now = self.now
            let api = APIService(
                routes: APIRoutes(configuration: { configuration }, database: database, engine: engine) { now },
                authenticator: TokenAuthenticator(store: APITokenStore(database: database), key: key, limiter: RateLimiter(perMinute: 600)) { now })
            return try DaemonHTTPServer(host: "127.0.0.1", port: 0, registry: PrometheusCollectorRegistry(), api: api) { (true, "ok") }.application()
        }

        deinit { fixture.remove() }
    }

    /// A seeded generator, so that the tokens are the same every run.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func body(_ response: TestResponse) -> String { String(buffer: response.body) }

    @Test func tokensHaveTheirFormAndOnlyTheirKeyedHashIsStored() async throws {
        var random = SplitMix(seed: 1)
        let token = TokenCodec.generate(using: &random)
        #expect(token.hasPrefix("edn_") && token.count == 40 && TokenCodec.isWellFormed(token))
        var typo = Array(token)
        typo[10] = typo[10] == "a" ? "b" : "a"
        #expect(!TokenCodec.isWellFormed(String(typo)), "the checksum catches a changed character")
        #expect(!TokenCodec.isWellFormed("ghp_" + token.dropFirst(4)))
        let city = try await City()
        let stored = try APITokenStore(database: city.database).tokens()
        #expect(
            stored.map(\.name) == ["city-admin", "city-operate", "city-read", "expired", "helan-admin", "helan-operate", "revoked", "yongning-read"])
        #expect(stored.allSatisfy { $0.hint.hasPrefix("edn_") && $0.hint.count == 9 })
        let file = try String(contentsOfFile: city.path, encoding: .isoLatin1)
        #expect(city.tokens.values.allSatisfy { !file.contains($0) }, "no token is in the database file")
        let other = try TokenKey.beside(database: city.path + ".other", create: true)
        #expect(TokenCodec.hash(token, key: city.key) != TokenCodec.hash(token, key: other))
        #expect(throws: TokenKeyError.self) { try TokenKey.beside(database: city.path + ".none", create: false) }
    }

    @Test func theDocumentAndTheRoutesAreTheSame() {
        let routes = APIRoutes.operations.map { "\($0.method.rawValue) \($0.path) \($0.scope.rawValue)" }.sorted()
        let documented = OpenAPIDocument.operations().map { "\($0.method) \($0.path) \($0.scope)" }.sorted()
        #expect(routes == documented)
        #expect(routes.count == 29)
    }

    @Test func everyOperationRefusesWhatItMustAndACountyTokenSeesItsCountyOnly() async throws {
        let city = try await City()
        let app = try city.application()
        try await app.test(.live) { client in
            let operations = OpenAPIDocument.operations()
            #expect(!operations.isEmpty)
            for operation in operations {
                let method = HTTPRequest.Method(operation.method)!
                let (id, body, helanAnswer) = city.yongningObject(operation.path, method)
                let uri = "/api/v1" + operation.path.replacingOccurrences(of: "{id}", with: id)
                func call(_ token: String?) async throws -> TestResponse {
                    var headers: HTTPFields = token.map { [.authorization: "Bearer \($0)"] } ?? [:]
                    if body != nil { headers[.contentType] = "application/json" }
                    return try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
                }
                let what = "\(operation.method) \(uri)"
                for (token, why) in [
                    (nil, "no token"), ("edn_nonsense", "not a token"), (city.tokens["expired"], "expired"), (city.tokens["revoked"], "revoked"),
                ] {
                    let answer = try await call(token)
                    #expect(answer.status == .unauthorized, "\(what) with \(why)")
                    #expect(answer.headers[.contentType] == "application/problem+json" && answer.headers[.wwwAuthenticate] != nil, "\(what)")
                }
                let read = try await call(city.tokens["city-read"])
                #expect(read.status == (operation.scope == "read" ? .ok : .forbidden), "\(what) with a read token: \(Self.body(read))")
                if operation.scope == "admin" {
                    let operate = try await call(city.tokens["city-operate"])
                    #expect(operate.status == .forbidden, "\(what) with an operate token")
                }
                // Helan's token of the scope the operation needs, on Yongning's object or with Yongning's names.
                let helan = try await call(city.tokens[operation.scope == "admin" ? "helan-admin" : "helan-operate"])
                if let (status, field) = helanAnswer {
                    #expect(
                        helan.status == status && (field == nil || Self.body(helan).contains("\"field\":\"\(field!)\"")),
                        "\(what) with Helan's token: \(Self.body(helan))")
                } else {
                    #expect(helan.status == .ok && !Self.body(helan).contains("\"s1"), "\(what) with Helan's token: \(Self.body(helan))")
                }
            }
            // Nothing changed: Yongning's alert is not acknowledged, its silence is the only one and in force.
            #expect(try AlertStore(database: city.database).alert(String(city.yongningAlert)).acknowledgedBy == nil)
            #expect(try AlertStore(database: city.database).silences(at: city.now).map(\.id) == [city.yongningSilence])
            #expect(try PoolStore(database: city.database).allocations(released: true).map(\.id) == [city.yongningAllocation])
            #expect(try PoolStore(database: city.database).allocations(released: false).map(\.id) == [city.yongningAllocation])
            #expect(try ProvisioningStore(database: city.database).plans().map(\.id) == [city.yongningPlan])
            #expect(try ProvisioningStore(database: city.database).audit().isEmpty)

            // What each county's token sees.
            let helanDevices = try await client.execute(
                uri: "/api/v1/devices", method: .get, headers: [.authorization: "Bearer \(city.tokens["helan-operate"]!)"])
            #expect(
                Self.body(helanDevices).contains("\"agg-hl-sw\"") && !Self.body(helanDevices).contains("\"core-a\""), "the city's core is no county's"
            )
            let ack = try await client.execute(
                uri: "/api/v1/alerts/\(city.helanAlert)/ack", method: .post, headers: [.authorization: "Bearer \(city.tokens["helan-operate"]!)"])
            #expect(ack.status == .ok && Self.body(ack).contains("\"acknowledgedBy\":\"helan-operate\""), "\(Self.body(ack))")
            let audit = try APITokenStore(database: city.database).auditLog()
            #expect(audit.map(\.token) == ["helan-operate"] && audit.first?.path == "/api/v1/alerts/\(city.helanAlert)/ack")
            let schools = try await client.execute(
                uri: "/api/v1/schools", method: .get, headers: [.authorization: "Bearer \(city.tokens["yongning-read"]!)"])
            #expect(Self.body(schools).contains("\"s1\"") && Self.body(schools).contains("\"v1\""))
        }
    }

    @Test func pagesProblemsAndTheFindingsETag() async throws {
        let city = try await City()
        let app = try city.application()
        let auth: HTTPFields = [.authorization: "Bearer \(city.tokens["city-read"]!)"]
        try await app.test(.live) { client in
            let first = try await client.execute(uri: "/api/v1/devices?limit=3", method: .get, headers: auth)
            let page = try #require(try JSONSerialization.jsonObject(with: Data(buffer: first.body)) as? [String: Any])
            let items = (page["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
            #expect(items == ["agg-hl-sw", "agg-yn-sw", "core-a"])
            let cursor = try #require(page["next_cursor"] as? String)
            let second = try await client.execute(
                uri: "/api/v1/devices?limit=3&cursor=\(cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)", method: .get,
                headers: auth)
            let next = try #require(try JSONSerialization.jsonObject(with: Data(buffer: second.body)) as? [String: Any])
            #expect((next["items"] as? [[String: Any]])?.first?["id"] as? String == "core-b")

            let bad = try await client.execute(uri: "/api/v1/findings?verdict=maybe", method: .get, headers: auth)
            #expect(bad.status == .badRequest && bad.headers[.contentType] == "application/problem+json")
            let problem = try #require(try JSONSerialization.jsonObject(with: Data(buffer: bad.body)) as? [String: Any])
            #expect(problem["field"] as? String == "verdict" && problem["status"] as? Int == 400 && problem["title"] as? String == "Bad Request")
            let limit = try await client.execute(uri: "/api/v1/schools?limit=0", method: .get, headers: auth)
            #expect(limit.status == .badRequest && Self.body(limit).contains("\"field\":\"limit\""))

            let findings = try await client.execute(uri: "/api/v1/findings?county=yongning", method: .get, headers: auth)
            #expect(findings.status == .ok && Self.body(findings).contains("\"findings\""))
            let tag = try #require(findings.headers[.eTag])
            var again = auth
            again[.ifNoneMatch] = tag
            let unchanged = try await client.execute(uri: "/api/v1/findings?county=yongning", method: .get, headers: again)
            #expect(unchanged.status == .notModified && unchanged.body.readableBytes == 0)

            // Gzip'd for a client that takes it: the same JSON, its own ETag; not for one that refuses it.
            var gzip = auth
            gzip[.acceptEncoding] = "br;q=1, gzip;q=0.8"
            let packed = try await client.execute(uri: "/api/v1/findings?county=yongning", method: .get, headers: gzip)
            #expect(packed.headers[.contentEncoding] == "gzip" && packed.headers[.eTag] == String(tag.dropLast()) + "-gz\"")
            var compressed = packed.body
            #expect(try compressed.decompress(with: .gzip()) == findings.body && packed.body.readableBytes < findings.body.readableBytes)
            gzip[.ifNoneMatch] = packed.headers[.eTag]
            #expect(try await client.execute(uri: "/api/v1/findings?county=yongning", method: .get, headers: gzip).status == .notModified)
            var refused = auth
            refused[.acceptEncoding] = "gzip;q=0, identity"
            #expect(
                try await client.execute(uri: "/api/v1/findings?county=yongning", method: .get, headers: refused).headers[.contentEncoding] == nil)

            // A county's silence, made, listed to its county only, and ended; each write in the audit log.
            let helan: HTTPFields = [.authorization: "Bearer \(city.tokens["helan-operate"]!)", .contentType: "application/json"]
            let made = try await client.execute(
                uri: "/api/v1/silences", method: .post, headers: helan,
                body: ByteBuffer(string: #"{"matchers":{"county":"helan","rule":"device_unreachable"},"hours":2,"reason":"换设备"}"#))
            #expect(made.status == .created && Self.body(made).contains("\"author\":\"helan-operate\""), "\(Self.body(made))")
            let silence = try #require((try JSONSerialization.jsonObject(with: Data(buffer: made.body)) as? [String: Any])?["id"] as? Int)
            let seen = try await client.execute(uri: "/api/v1/silences", method: .get, headers: helan)
            let ids = (try JSONSerialization.jsonObject(with: Data(buffer: seen.body)) as? [[String: Any]])?.compactMap { $0["id"] as? Int }
            #expect(ids == [silence], "Yongning's maintenance window is not Helan's to see")
            let wrong = try await client.execute(
                uri: "/api/v1/silences", method: .post, headers: helan,
                body: ByteBuffer(string: #"{"matchers":{"county":"helan"},"hours":true,"reason":"x"}"#))
            #expect(wrong.status == .badRequest && Self.body(wrong).contains("\"field\":\"hours\""), "\(Self.body(wrong))")
            #expect(try await client.execute(uri: "/api/v1/silences/\(silence)", method: .delete, headers: helan).status == .noContent)
            #expect(try await client.execute(uri: "/api/v1/silences/\(silence)", method: .delete, headers: helan).status == .notFound)
            #expect(try APITokenStore(database: city.database).auditLog().map(\.method) == ["POST", "DELETE"])

            let ledger = try await client.execute(uri: "/api/v1/report?format=csv&county=yongning", method: .get, headers: auth)
            #expect(ledger.status == .ok && ledger.headers[.contentType] == "text/csv; charset=utf-8" && ledger.headers[.eTag] != nil)
            let html = try await client.execute(
                uri: "/api/v1/report?format=html", method: .get, headers: [.authorization: "Bearer \(city.tokens["yongning-read"]!)"])
            #expect(
                html.status == .ok && Self.body(html).contains("<html") && !Self.body(html).contains("贺兰县汇聚"),
                "Yongning's token gets Yongning's report")

            let document = try await client.execute(uri: "/api/v1/openapi.json", method: .get)
            #expect(document.status == .ok && Self.body(document).contains("\"openapi\": \"3.1.0\""))
        }
    }

    @Test func aTokenOverItsRateIsToldWhenToComeBack() async throws {
        let city = try await City()
        let configuration = city.configuration
        let api = APIService(
            routes: APIRoutes(configuration: { configuration }, database: city.database, engine: SNMPEngine()),
            authenticator: TokenAuthenticator(store: APITokenStore(database: city.database), key: city.key, limiter: RateLimiter(perMinute: 2)) {
                city.now
            })
        let app = try DaemonHTTPServer(host: "127.0.0.1", port: 0, registry: PrometheusCollectorRegistry(), api: api) { (true, "ok") }.application()
        try await app.test(.router) { client in
            let auth: HTTPFields = [.authorization: "Bearer \(city.tokens["city-read"]!)"]
            for _ in 0..<2 { #expect(try await client.execute(uri: "/api/v1/counties", method: .get, headers: auth).status == .ok) }
            let third = try await client.execute(uri: "/api/v1/counties", method: .get, headers: auth)
            #expect(third.status == .tooManyRequests && third.headers[.retryAfter] == "30")
            let other = try await client.execute(
                uri: "/api/v1/counties", method: .get, headers: [.authorization: "Bearer \(city.tokens["yongning-read"]!)"])
            #expect(other.status == .ok, "the rate is per token")
        }
    }
}

extension APITests {
    @Test func accessPointsWithWhatTheirControllerReported() async throws {
        let city = try await City()
        try city.fixture.accessPoints(["s1-ap01": [true, false], "v1-ap01": [true, true]])
        let app = try city.application()
        try await app.test(.live) { client in
            let yongning = try await client.execute(
                uri: "/api/v1/access-points?school=s1", method: .get, headers: [.authorization: "Bearer \(city.tokens["yongning-read"]!)"])
            let items = try #require(
                (try JSONSerialization.jsonObject(with: Data(buffer: yongning.body)) as? [String: Any])?["items"] as? [[String: Any]])
            #expect(items.map { $0["id"] as? String } == ["s1-ap01", "s1-ap02"])
            #expect(items.map { $0["state"] as? String } == ["down", "not reported"])
            #expect(items.first?["upShare"] as? Double == 0.5 && items.first?["areas"] as? [String] == ["teaching:教学楼"], "\(items)")
            let helan = try await client.execute(
                uri: "/api/v1/access-points", method: .get, headers: [.authorization: "Bearer \(city.tokens["helan-operate"]!)"])
            #expect(Self.body(helan) == #"{"items":[]}"#)
        }
    }

    @Test func theAlertsFiringMostSevereAndLongestFiringFirstWithoutDecodingThemAll() async throws {
        let city = try await City()
        let engine = try AlertEngine(
            store: AlertStore(database: city.database), policy: AlertFixture.policy(), logger: Logger(label: "test"), at: city.now)
        for (subject, severity, minutes) in [("s1-ap01", AlertSeverity.warning, 30.0), ("v1-acc", .critical, -10), ("v1-ap01", .warning, 60)] {
            try await engine.raise(
                AlertSignal(
                    rule: "device_unreachable", subject: subject, severity: severity, labels: ["device": subject, "county": "yongning"],
                    summary: BilingualText(zh: "\(subject) 不可达", en: "\(subject) unreachable")), hold: nil,
                at: city.now.addingTimeInterval(minutes * 60))
        }
        let store = AlertStore(database: city.database)
        let yongning = try store.firing(counties: ["yongning"], limit: 3)
        #expect(yongning.count == 4 && yongning.shown.map(\.subject) == ["v1-acc", "s1-core", "s1-ap01"], "\(yongning.shown.map(\.subject))")
        let city2 = try store.firing(counties: nil, limit: 10)
        #expect(city2.count == 5 && city2.shown.map(\.subject) == ["v1-acc", "s1-core", "agg-hl-sw", "s1-ap01", "v1-ap01"])
        #expect(try store.firing(counties: ["lingwu"], limit: 10).count == 0)
    }

    @Test func theDocumentListsEveryRuleTheFindingsTake() throws {
        let document = try #require(try JSONSerialization.jsonObject(with: OpenAPIDocument.data) as? [String: Any])
        let findings = ((document["paths"] as? [String: Any])?["/findings"] as? [String: Any])?["get"] as? [String: Any]
        let rule = (findings?["parameters"] as? [[String: Any]])?.first { $0["name"] as? String == "rule" }
        #expect((rule?["schema"] as? [String: Any])?["enum"] as? [String] == Finding.Rule.allCases.map(\.rawValue))
    }
}

/// The dashboard: login with a token into an HttpOnly, SameSite=Strict cookie, the landing page of the token's counties,
/// the cookie good for the dashboard's own reads and never for writes, and the page drawn by headless Chromium.
@Suite("The dashboard")
struct DashboardTests {
    static func cookie(_ response: TestResponse) -> String? {
        response.headers[.setCookie].flatMap { $0.split(separator: ";").first.map(String.init) }
    }

    @Test func logInSeeYourCountyAndLogOut() async throws {
        let city = try await APITests.City()
        let app = try city.application()
        try await app.test(.live) { client in
            let form = try await client.execute(uri: "/", method: .get)
            #expect(form.status == .ok && String(buffer: form.body).contains(#"<form method="post" action="/login">"#))
            #expect(form.headers[.contentSecurityPolicy]?.hasPrefix("default-src 'none'") == true)

            let wrong = try await client.execute(
                uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: "token=edn_x"))
            #expect(wrong.status == .unauthorized && String(buffer: wrong.body).contains("not an EduNet token"))

            let secret = city.tokens["yongning-read"]!
            let login = try await client.execute(
                uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "token=\(secret)"))
            #expect(login.status == .seeOther && login.headers[.location] == "/")
            let setCookie = try #require(login.headers[.setCookie])
            #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict") && setCookie.contains("Path=/"), "\(setCookie)")
            let cookie = try #require(Self.cookie(login))

            let page = try await client.execute(uri: "/", method: .get, headers: [.cookie: cookie])
            let html = String(buffer: page.body)
            #expect(
                page.status == .ok && html.contains("yongning-read") && html.contains(#"id="county-yongning""#) && html.contains(#"id="school-s1""#))
            #expect(!html.contains(#"id="county-helan""#), "another county is not on the page")
            // Each place's counts by group of rules: s1's bandwidth unknown, Wi-Fi and graded protection failing.
            #expect(
                html.contains(#"<td class=u>0/0/4</td><td class=f>0/1/3</td><td></td><td></td><td class=f>0/1/1</td></tr>"#),
                "\(html.components(separatedBy: #"<tr id="school-s1">"#).last?.prefix(400) ?? "")")
            #expect(html.contains("永宁县") && !html.contains("Yongning County"), "Chinese by default")
            let english = String(buffer: try await client.execute(uri: "/?lang=en", method: .get, headers: [.cookie: cookie]).body)
            #expect(english.contains("Yongning County") && english.contains("Schools below target"))
            #expect(!html.contains("<link") && !html.contains("src=\"http"), "nothing from elsewhere")

            let ledger = try await client.execute(uri: "/api/v1/report?format=csv", method: .get, headers: [.cookie: cookie])
            #expect(ledger.status == .ok, "the ledger link works with the cookie")
            let write = try await client.execute(uri: "/api/v1/alerts/\(city.yongningAlert)/ack", method: .post, headers: [.cookie: cookie])
            #expect(write.status == .unauthorized, "the cookie is never good for a write")

            let logout = try await client.execute(uri: "/logout", method: .post, headers: [.cookie: cookie])
            #expect(logout.status == .seeOther && logout.headers[.setCookie]?.contains("Max-Age=0") == true)
        }
    }

    static func login(_ client: some TestClientProtocol, _ secret: String) async throws -> String {
        let login = try await client.execute(
            uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: "token=\(secret)"))
        return try #require(cookie(login))
    }

    @Test func theSchoolLinkAndAlertsPagesAndTheirForms() async throws {
        let city = try await APITests.City()
        try city.fixture.accessPoints(["s1-ap01": [true, true]])
        let app = try city.application()
        try await app.test(.live) { client in
            let reader = try await Self.login(client, city.tokens["yongning-read"]!)
            let school = try await client.execute(uri: "/schools/s1", method: .get, headers: [.cookie: reader])
            let html = String(buffer: school.body)
            #expect(school.status == .ok && html.contains(#"id="link-s1-up""#) && html.contains(#"<table id=findings>"#), "\(html.prefix(300))")
            #expect(html.contains("<td>链路带宽</td>") && html.contains("s1-up"), "the school's findings: \(html)")
            #expect(
                html.contains("<span class=p>s1-ap01</span> <small>up 100.0 %</small>")
                    && html.contains("<span class=u>s1-ap02</span> <small>not reported</small>"), "the APs by area: \(html)")
            let link = String(buffer: try await client.execute(uri: "/links/s1-up", method: .get, headers: [.cookie: reader]).body)
            #expect(link.contains("<div id=chart>") && link.contains("fetch('/links/s1-up/chart')"))
            let chart = try await client.execute(uri: "/links/s1-up/chart", method: .get, headers: [.cookie: reader])
            #expect(chart.status == .ok && String(buffer: chart.body).contains("<svg class=\"utilisation\""), "\(String(buffer: chart.body))")
            let helan = try await Self.login(client, city.tokens["helan-operate"]!)
            #expect(try await client.execute(uri: "/schools/s1", method: .get, headers: [.cookie: helan]).status == .notFound)
            #expect(try await client.execute(uri: "/schools/s1", method: .get).status == .seeOther, "no cookie: to the login form")

            // Alerts: a read token sees no forms and may not write; an operate token acknowledges and silences.
            let readPage = String(buffer: try await client.execute(uri: "/alerts", method: .get, headers: [.cookie: reader]).body)
            #expect(readPage.contains("alert-\(city.yongningAlert)") && !readPage.contains("/ack"))
            let refused = try await client.execute(uri: "/alerts/\(city.yongningAlert)/ack", method: .post, headers: [.cookie: reader])
            #expect(refused.status == .forbidden)
            let operatorCookie = try await Self.login(client, city.tokens["city-operate"]!)
            let foreign = try await client.execute(
                uri: "/alerts/\(city.yongningAlert)/ack", method: .post, headers: [.cookie: operatorCookie, .origin: "http://evil.example"])
            #expect(foreign.status == .forbidden)
            let page = String(buffer: try await client.execute(uri: "/alerts", method: .get, headers: [.cookie: operatorCookie]).body)
            #expect(page.contains("action=\"/alerts/\(city.yongningAlert)/ack\""))
            let ack = try await client.execute(uri: "/alerts/\(city.yongningAlert)/ack", method: .post, headers: [.cookie: operatorCookie])
            #expect(ack.status == .seeOther && ack.headers[.location] == "/alerts")
            #expect(try AlertStore(database: city.database).alert(String(city.yongningAlert)).acknowledgedBy == "city-operate")
            let silenced = try await client.execute(
                uri: "/alerts/\(city.yongningAlert)/silence", method: .post,
                headers: [.cookie: operatorCookie, .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "hours=3&reason=%E6%8D%A2%E7%BD%91%E7%BA%BF"))
            #expect(silenced.status == .seeOther)
            let made = try #require(try AlertStore(database: city.database).silences(at: city.now).first { $0.author == "city-operate" })
            #expect(made.matchers == ["rule": "device_unreachable", "county": "yongning", "device": "s1-core"] && made.reason == "换网线")
            #expect(made.endsAt == city.now.addingTimeInterval(3 * 3600))
        }
    }

    /// A person's way through the dashboard in headless Chromium against the live server: log in, the landing page,
    /// drill down to a school and its link (charts drawn), acknowledge an alert, switch to English. Screenshots are
    /// kept in `.build/screenshots/` (outside git) for a person to look at; the landing page's weight and render time are
    /// printed.
    @Test func aPersonsWayThroughTheDashboardInHeadlessChromium() async throws {
        let city = try await APITests.City()
        let app = try city.application()
        try await app.test(.live) { client in
            let base = "http://127.0.0.1:\(try #require(client.port))"
            let shots = TestAgents.root.appendingPathComponent(".build/screenshots")
            try FileManager.default.createDirectory(at: shots, withIntermediateDirectories: true)
            let alert = city.yongningAlert
            let steps: [[String: Any]] = [
                ["go": base + "/"],
                ["eval": "document.querySelector('input[name=token]').value = '\(city.tokens["city-operate"]!)'; true"],
                ["click": "form[action='/login'] button"],
                ["eval": "Number(document.body.dataset.renderedMs)", "as": "renderedMs"],
                ["eval": "new TextEncoder().encode(document.documentElement.outerHTML).length", "as": "bytes"],
                ["eval": "!!document.querySelector('#county-yongning') && !!document.querySelector('#figure-cloud')", "as": "landing"],
                ["screenshot": shots.appendingPathComponent("landing.png").path],
                ["click": "#school-s1 a"],
                ["eval": "location.pathname", "as": "schoolPath"],
                ["eval": "document.querySelectorAll('#link-s1-up + svg.utilisation, svg.utilisation').length", "as": "schoolCharts"],
                ["screenshot": shots.appendingPathComponent("school.png").path],
                ["click": "#link-s1-up a"],
                ["wait": "!!document.querySelector('#chart svg.utilisation')", "seconds": 10, "as": "linkChart"],
                ["screenshot": shots.appendingPathComponent("link.png").path],
                ["go": base + "/alerts"],
                ["click": "form[action='/alerts/\(alert)/ack'] button"],
                ["eval": "document.querySelector('#alert-\(alert) td:nth-child(4)').innerText", "as": "acknowledgedBy"],
                ["screenshot": shots.appendingPathComponent("alerts.png").path],
                ["click": "nav a[href='?lang=en']"],
                ["eval": "document.querySelector('h1').innerText", "as": "englishTitle"],
            ]
            let plan = city.fixture.directory.appendingPathComponent("plan.json")
            try JSONSerialization.data(withJSONObject: ["viewport": [1200, 1600], "steps": steps]).write(to: plan)
            let (status, said) = try await TestProcess.run("python3 '\(TestAgents.root.path)/scripts/chromium-drive.py' '\(plan.path)'")
            #expect(status == 0, "\(said)")
            let seen = try #require(try JSONSerialization.jsonObject(with: Data(said.utf8)) as? [String: Any], "\(said)")
            #expect(seen["landing"] as? Bool == true && seen["schoolPath"] as? String == "/schools/s1", "\(seen)")
            #expect(
                (seen["schoolCharts"] as? Int ?? 0) >= 1 && seen["linkChart"] as? Bool == true,
                "the school's and the link's charts are drawn: \(seen)")
            #expect(seen["acknowledgedBy"] as? String == "city-operate" && seen["englishTitle"] as? String == "Alerts firing 2", "\(seen)")
            #expect(try AlertStore(database: city.database).alert(String(alert)).acknowledgedBy == "city-operate")
            let bytes = try #require(seen["bytes"] as? Int)
            let rendered = try #require(seen["renderedMs"] as? Int)
            #expect(bytes > 1_000 && rendered > 0)
            for shot in ["landing", "school", "link", "alerts"] {
                let size = (try FileManager.default.attributesOfItem(atPath: shots.appendingPathComponent("\(shot).png").path)[.size] as? Int) ?? 0
                #expect(size > 10_000, "\(shot).png is a drawn page")
            }
            print("dashboard in headless Chromium: landing page \(bytes) bytes, load event at \(rendered) ms; screenshots in \(shots.path)")
        }
    }
}
