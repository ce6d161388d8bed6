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
            let english = request.uri.queryParameters["lang"] == "en"
            guard let cookie = request.cookies[TokenAuthenticator.cookie] else { return Self.login(english: english, problem: nil) }
            let token: APIToken
            do throws(Problem) { token = try await authenticator.verify(cookie.value) } catch {
                return Self.login(english: english, problem: error.detail)
            }
            let view = try await routes.view(for: token)
            let page = LandingPage(
                token: token, inventory: view.inventory, findings: try await view.findings(hours: 24),
                alerts: try view.alerts(state: .firing, county: nil, rule: nil), english: english, now: view.now)
            return Self.html(page.render())
        }
        router.post("/login") { request, _ -> Response in
            let form = String(buffer: try await request.body.collect(upTo: 4096))
            let secret =
                form.split(separator: "&").compactMap { pair -> String? in
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    return parts.count == 2 && parts[0] == "token" ? parts[1].removingPercentEncoding : nil
                }.first?.trimmingCharacters(in: .whitespaces) ?? ""
            let token: APIToken
            do throws(Problem) { token = try await authenticator.verify(secret) } catch {
                var page = Self.login(english: false, problem: error.detail)
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
        router.post("/logout") { _, _ -> Response in
            var response = Response(status: .seeOther, headers: [.location: "/"])
            response.setCookie(Cookie(name: TokenAuthenticator.cookie, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .strict))
            return response
        }
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8", .contentSecurityPolicy: securityPolicy, .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func login(english: Bool, problem: String?) -> Response {
        func text(_ zh: String, _ en: String) -> String { english ? en : zh }
        return html(
            """
            <!doctype html><html lang="\(english ? "en" : "zh")"><head><meta charset="utf-8"><title>EduNet</title>
            <style>body{font-family:"Noto Sans CJK SC","WenQuanYi Zen Hei",sans-serif;max-width:28em;margin:4em auto}input{width:100%;padding:.4em}</style></head>
            <body><h1>EduNet</h1><form method="post" action="/login"><label>\(text("令牌", "Token")) <input name="token" type="password" autocomplete="off" placeholder="edn_…" required></label>
            <p><button>\(text("登录", "Log in"))</button> <a href="?lang=\(english ? "zh" : "en")">\(english ? "中文" : "English")</a></p></form>
            \(problem.map { "<p class=problem>\(ComplianceReport.escape($0))</p>" } ?? "")
            <p><small>\(text("令牌由 `edunet tokens create` 生成。", "Tokens are made by `edunet tokens create`."))</small></p></body></html>
            """)
    }
}
