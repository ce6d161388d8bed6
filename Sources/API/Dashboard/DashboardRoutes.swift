import Foundation
import Hummingbird
import Model
import Reports
import Store

/// The dashboard at `/`: a login form that takes a token (kept in a cookie marked HttpOnly and SameSite=Strict, so
/// that no script and no other site can use it), and the landing page of what the token may see. Served by edunetd
/// beside the API, with the same tokens, scopes and counties.
public struct DashboardRoutes: Sendable {
    let routes: APIRoutes
    let authenticator: TokenAuthenticator

    public init(routes: APIRoutes, authenticator: TokenAuthenticator) {
        self.routes = routes
        self.authenticator = authenticator
    }

    /// Nothing from elsewhere: inline style and script only, forms posted here only.
    static let securityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"

    public func register(on router: Router<APIContext>) {
        router.get("/") { request, _ -> Response in
            let english = Self.english(request)
            guard let cookie = request.cookies[TokenAuthenticator.cookie] else { return Self.login(english: english, problem: nil, for: request) }
            let token: APIToken
            do throws(Problem) { token = try await authenticator.verify(cookie.value) } catch {
                return Self.login(english: english, problem: error.detail, for: request)
            }
            let view = try await routes.view(for: token)
            let alerts = try view.firingAlerts(limit: LandingPage.alertsListed)
            let page = LandingPage(
                token: token, inventory: view.inventory, findings: try await view.findings(hours: 24), alerts: alerts.shown, firing: alerts.count,
                english: english, now: view.now)
            return Self.html(page.render(), for: request)
        }
        router.post("/login") { request, _ -> Response in
            let secret = (try await Self.form(request))["token"]?.trimmingCharacters(in: .whitespaces) ?? ""
            let token: APIToken
            do throws(Problem) { token = try await authenticator.verify(secret) } catch {
                var page = Self.login(english: false, problem: error.detail, for: request)
                page.status = .unauthorized
                return page
            }
            let lifetime = token.expiresAt.map { Int($0.timeIntervalSinceNow) } ?? 12 * 3600
            var response = Response(status: .seeOther, headers: [.location: "/"])
            response.setCookie(
                Cookie(
                    name: TokenAuthenticator.cookie, value: secret, maxAge: max(60, min(lifetime, 12 * 3600)), path: "/", httpOnly: true,
                    sameSite: .strict))
            return response
        }
        router.get("/schools/:id") { request, context -> Response in
            guard let (token, view) = try await session(request) else { return Self.home }
            let school = try view.school(context.parameters.get("id") ?? "")
            let findings = try await view.findings(hours: 24).filter { $0.subject.school == school.id }
            let devices = Set(view.inventory.devices.filter { $0.school == school.id }.map(\.id))
            var series: [String: UtilisationSeries] = [:]
            for link in view.inventory.links where devices.contains(link.a.device) || devices.contains(link.b.device) {
                series[link.id] = try view.series(link, hours: 24)
            }
            let frame = PageFrame(token: token, english: Self.english(request), now: view.now)
            let accessPoints = try view.accessPoints(county: nil, school: school.id, hours: 24)
            return Self.html(
                SchoolPage(
                    frame: frame, school: school, inventory: view.inventory, findings: findings, series: series,
                    accessPoints: Dictionary(accessPoints.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
                ).render(), for: request)
        }
        router.get("/links/:id") { request, context -> Response in
            guard let (token, view) = try await session(request) else { return Self.home }
            let link = try view.link(context.parameters.get("id") ?? "")
            let frame = PageFrame(token: token, english: Self.english(request), now: view.now)
            return Self.html(
                LinkPage(frame: frame, link: link, chart: LinkPage.chart(try view.series(link, hours: 6), frame: frame)).render(), for: request)
        }
        router.get("/links/:id/chart") { request, context -> Response in
            guard let (token, view) = try await session(request) else { throw Problem.unauthorized("log in again") }
            let link = try view.link(context.parameters.get("id") ?? "")
            let frame = PageFrame(token: token, english: Self.english(request), now: view.now)
            return Self.html(LinkPage.chart(try view.series(link, hours: 6), frame: frame), for: request)
        }
        router.get("/alerts") { request, _ -> Response in
            guard let (token, view) = try await session(request) else { return Self.home }
            let frame = PageFrame(token: token, english: Self.english(request), now: view.now)
            return Self.html(AlertsPage(frame: frame, alerts: try view.alerts(state: .firing, county: nil, rule: nil)).render(), for: request)
        }
        router.post("/alerts/:id/ack") { request, context -> Response in
            let view = try await operatorView(request)
            _ = try view.acknowledge(context.parameters.get("id") ?? "", path: request.uri.path)
            return Response(status: .seeOther, headers: [.location: "/alerts"])
        }
        router.post("/alerts/:id/silence") { request, context -> Response in
            let view = try await operatorView(request)
            let alert = try view.alert(context.parameters.get("id") ?? "")
            let form = try await Self.form(request)
            guard let hours = form["hours"].flatMap(Double.init), hours >= 0.1, hours <= 720 else {
                throw Problem(.badRequest, "`hours` must be a number of hours from 0.1 (6 minutes) to 720", field: "hours")
            }
            guard let reason = form["reason"], !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw Problem(.badRequest, "`reason` must say why", field: "reason")
            }
            // This alert's own labels: its rule and what says where it is.
            var matchers = ["rule": alert.rule]
            for key in ["county", "school", "device", "link", "interface", "address", "mac"] { matchers[key] = alert.labels[key] }
            _ = try view.silence(matchers: matchers, hours: hours, reason: reason, path: request.uri.path)
            return Response(status: .seeOther, headers: [.location: "/alerts"])
        }
        router.post("/logout") { _, _ -> Response in
            var response = Response(status: .seeOther, headers: [.location: "/"])
            response.setCookie(Cookie(name: TokenAuthenticator.cookie, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .strict))
            return response
        }
    }

    /// The token of the request's cookie and what it may see; nil when there is no valid cookie (the page sends the
    /// browser to the login form).
    func session(_ request: Request) async throws(Problem) -> (APIToken, CityView)? {
        guard let cookie = request.cookies[TokenAuthenticator.cookie] else { return nil }
        let token: APIToken
        do throws(Problem) { token = try await authenticator.verify(cookie.value) } catch {
            if error.status == .tooManyRequests { throw error }
            return nil
        }
        return (token, try await routes.view(for: token))
    }

    /// A write from the dashboard's own forms: a cookie of an `operate` token, and the form posted from this site (the
    /// cookie is SameSite=Strict; an `Origin` of another host is refused as well).
    func operatorView(_ request: Request) async throws(Problem) -> CityView {
        if let origin = request.headers[.origin], let host = request.head.authority, URL(string: origin)?.host.map({ host.hasPrefix($0) }) != true {
            throw Problem(.forbidden, "a form of another site (\(origin)) may not write here")
        }
        guard let (token, view) = try await session(request) else { throw Problem.unauthorized("log in first") }
        guard token.scope >= .operate else {
            throw Problem(.forbidden, "token `\(token.name)` has scope \(token.scope.rawValue); acknowledging and silencing need operate")
        }
        return view
    }

    static let home = Response(status: .seeOther, headers: [.location: "/"])

    static func english(_ request: Request) -> Bool { request.uri.queryParameters["lang"] == "en" }

    /// An `application/x-www-form-urlencoded` body (4 KiB at most) as its fields.
    static func form(_ request: Request) async throws -> [String: String] {
        let body = String(buffer: try await request.body.collect(upTo: 4096))
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            if parts.count == 2 { fields[parts[0]] = parts[1] }
        }
        return fields
    }

    /// A page, gzip'd for a browser that takes it.
    static func html(_ text: String, status: HTTPResponse.Status = .ok, for request: Request) -> Response {
        Representation(Data(text.utf8), contentType: "text/html; charset=utf-8", tagged: false).response(
            to: request, status: status, headers: [.contentSecurityPolicy: securityPolicy, .cacheControl: "no-store"])
    }

    static func login(english: Bool, problem: String?, for request: Request) -> Response {
        func text(_ zh: String, _ en: String) -> String { english ? en : zh }
        return html(
            """
            <!doctype html><html lang="\(english ? "en" : "zh")"><head><meta charset="utf-8"><title>EduNet</title>
            <style>body{font-family:"Noto Sans CJK SC","WenQuanYi Zen Hei",sans-serif;max-width:28em;margin:4em auto}input{width:100%;padding:.4em}</style></head>
            <body><h1>EduNet</h1><form method="post" action="/login"><label>\(text("令牌", "Token")) <input name="token" type="password" autocomplete="off" placeholder="edn_…" required></label>
            <p><button>\(text("登录", "Log in"))</button> <a href="?lang=\(english ? "zh" : "en")">\(english ? "中文" : "English")</a></p></form>
            \(problem.map { "<p class=problem>\(ComplianceReport.escape($0))</p>" } ?? "")
            <p><small>\(text("令牌由 `edunet tokens create` 生成。", "Tokens are made by `edunet tokens create`."))</small></p></body></html>
            """, for: request)
    }
}
