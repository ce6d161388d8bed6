import Foundation
import FoundationNetworking
import TestSupport
import Testing

/// The API as district IT and the bureau's systems reach it: `edunet tokens create` on the daemon's database, edunetd
/// serving `/api/v1` over loopback, schemathesis (PyPI) generating requests from the served document (no 5xx, every
/// answer valid against the document, bad input a 4xx), and a revoked token refused from the next request on.
@Suite("edunetd's API", .serialized)
struct APIDaemonTests {
    static func request(_ port: Int, _ path: String, token: String?) async throws -> (status: Int, body: String) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    @Test func tokensFromTheCLIAndTheServedDocumentHoldUnderSchemathesis() async throws {
        let lab = try AlertingDaemonTests.Lab(receiver: WebhookReceiver())
        defer { lab.remove() }
        // A compute pool of two sites (its hosts down, as the lab's switch), so that the cloud's operations are reached.
        try ComputePoolYAML.twoSites(
            nodes: ("agg-xingqing", "agg-xingqing"), management: ("{address: 127.0.0.2, port: 9}", "{address: 127.0.0.3, port: 9}"), profile: "lab"
        ).write(to: lab.directory.appendingPathComponent("inventory/cloud.yaml"), atomically: true, encoding: .utf8)
        let pid = try await lab.startDaemon()
        defer { _ = EdunetTool.stop(pid) }
        let port = try await SimulatedCityTests.httpPort(lab.directory)
        #expect(try await lab.command(["inventory", "apply", "--inventory", "inventory", "--policies", "policies"]).status == 0)

        let made = try await lab.command(["tokens", "create", "--name", "bureau-ledger", "--scope", "read", "--expires", "90d"])
        let token = made.out.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(made.status == 0 && token.hasPrefix("edn_") && token.count == 40, "\(made)")
        #expect(made.err.contains("shown once"))
        let scoped = try await lab.command(["tokens", "create", "--name", "xingqing-noc", "--scope", "operate", "--county", "xingqing"])
        #expect(scoped.status == 0, "\(scoped)")
        #expect(try await lab.command(["tokens", "create", "--name", "x", "--county", "atlantis"]).status == 1)
        let adminToken = try await lab.command(["tokens", "create", "--name", "city-noc", "--scope", "admin"]).out.trimmingCharacters(
            in: .whitespacesAndNewlines)
        #expect(try await lab.command(["tokens", "create", "--name", "bureau-ledger"]).status == 1, "a name is one token's")
        let listed = try await lab.command(["tokens", "list"])
        #expect(
            listed.out.contains("bureau-ledger") && listed.out.contains(String(token.prefix(8)) + "…") && !listed.out.contains(token), "\(listed.out)"
        )

        let counties = try await Self.request(port, "/api/v1/counties", token: token)
        #expect(counties.status == 200 && counties.body.contains("\"xingqing\""), "\(counties)")
        let document = try await Self.request(port, "/api/v1/openapi.json", token: nil)
        #expect(document.status == 200)

        // schemathesis with an admin token (so that every write is reached): every operation, generated and mutated
        // requests, every check; a fixed seed for a repeatable run.
        // Run in the lab's folder: schemathesis keeps a cache in its working directory.
        let (status, said) = try await TestProcess.run(
            "cd '\(lab.directory.path)' && st run http://127.0.0.1:\(port)/api/v1/openapi.json -H 'Authorization: Bearer \(adminToken)' --checks all --max-examples 20 --seed 1 -w 1"
        )
        #expect(status == 0, "\(said)")
        #expect(said.contains("Tested: 29"), "\(said)")

        #expect(try await lab.command(["tokens", "revoke", "bureau-ledger"]).status == 0)
        let refused = try await Self.request(port, "/api/v1/counties", token: token)
        #expect(refused.status == 401 && refused.body.contains("revoked"), "\(refused)")
        let log = (try? String(contentsOfFile: lab.log, encoding: .utf8)) ?? ""
        #expect(!log.contains(token), "a token never reaches the log")
    }
}

extension APIDaemonTests {
    /// `http.tls` with a self-signed certificate for 127.0.0.1 (made by openssl here): edunetd answers over HTTPS, and a
    /// key file that is not a key stops its start, naming the file.
    @Test func servesHTTPSWithTheConfiguredCertificateAndRefusesABadKey() async throws {
        let lab = try AlertingDaemonTests.Lab(receiver: WebhookReceiver())
        defer { lab.remove() }
        let cert = lab.directory.appendingPathComponent("cert.pem").path
        let key = lab.directory.appendingPathComponent("key.pem").path
        let made = try await TestProcess.run(
            "openssl req -x509 -newkey rsa:2048 -nodes -keyout '\(key)' -out '\(cert)' -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1"
        ).status
        #expect(made == 0, "openssl made the test certificate")
        let settings = lab.directory.appendingPathComponent("edunetd.yaml")
        let plain = try String(contentsOf: settings, encoding: .utf8)
        let listen = #"http: {listen: "127.0.0.1:0""#
        try #require(plain.contains(listen), "the lab's configuration has its http line: \(plain)")
        try plain.replacingOccurrences(of: listen, with: listen + ", tls: {certificate: cert.pem, key: key.pem}")
            .write(to: settings, atomically: true, encoding: .utf8)
        let pid = try await lab.startDaemon()
        let port = try await SimulatedCityTests.httpPort(lab.directory)
        let answer = lab.directory.appendingPathComponent("curl.txt").path
        let fetched = try await TestProcess.run(
            "curl -s --cacert '\(cert)' -o '\(answer)' -w '%{http_code}' https://127.0.0.1:\(port)/api/v1/openapi.json")
        #expect(fetched.status == 0 && fetched.output == "200", "\(fetched)")
        #expect(((try? String(contentsOfFile: answer, encoding: .utf8)) ?? "").contains("\"openapi\""))
        #expect(EdunetTool.stop(pid) == 0)

        try "not a key\n".write(toFile: key, atomically: true, encoding: .utf8)
        let failed = try EdunetTool.start(
            ["--config", settings.path], in: lab.directory,
            environment: AlertingDaemonTests.Lab.environment.merging([
                "LAB_TRAP_COMMUNITY": "lab-traps", "LAB_WEBHOOK_SECRET": AlertingDaemonTests.secret,
            ]) {
                a, _ in a
            }, log: lab.log, append: false)
        let exit = try await TestProcess.finish(failed, within: 60)
        let log = (try? String(contentsOfFile: lab.log, encoding: .utf8)) ?? ""
        #expect(exit != 0 && log.contains("http.tls.key \(key): not a readable PEM private key"), "\(exit)\n\(log)")
    }
}
