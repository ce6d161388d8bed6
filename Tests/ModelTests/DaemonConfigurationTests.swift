import Foundation
import Model
import Testing

/// `edunetd --config FILE`: the HTTP and trap settings, and polling intervals by role in the fleet policy.
@Suite("Daemon configuration and poll intervals by role")
struct DaemonConfigurationTests {
    private func write(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("edunetd-\(UUID().uuidString).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func httpListenAndTrapPortWithLoopbackDefaults() throws {
        let defaults = DaemonConfiguration()
        #expect(defaults.httpHost == "127.0.0.1" && defaults.httpPort == 9464 && defaults.trapPort == 1162)
        #expect(defaults.pollsStartedTogether == 50)
        let path = try write(
            "poll: {start_together: 1}\nhttp: {listen: \"[::1]:0\"}\ntraps: {port: 10162, host: 0.0.0.0, community: {env: EDUNET_TRAP_COMMUNITY}}\nalerts: {tick_seconds: 0.5, evaluate_seconds: 30}\n"
        )
        let settings = try DaemonConfiguration.load(path: path)
        #expect(settings.httpHost == "::1" && settings.httpPort == 0 && settings.trapPort == 10162 && settings.trapHost == "0.0.0.0")
        #expect(
            settings.trapCommunity == .environment("EDUNET_TRAP_COMMUNITY") && settings.alertTick == .milliseconds(500)
                && settings.alertEvaluation == .seconds(30) && settings.pollsStartedTogether == 1)
        let inline = try write("traps: {community: public}\n")
        #expect(throws: ModelError.self) { try DaemonConfiguration.load(path: inline) }
    }

    @Test func liveCaptureIsOffByDefaultAndReadWithItsLimits() throws {
        let defaults = DaemonConfiguration()
        #expect(defaults.captureInterfaces.isEmpty && defaults.captureFilter == nil && defaults.captureSnapshotBytes == 1600)
        let path = try write("capture: {interfaces: [mirror0, mirror1], filter: \"not port 22\", snapshot_bytes: 512, buffer_mib: 64}\n")
        let settings = try DaemonConfiguration.load(path: path)
        #expect(settings.captureInterfaces == ["mirror0", "mirror1"] && settings.captureFilter == "not port 22")
        #expect(settings.captureSnapshotBytes == 512 && settings.captureBufferBytes == 64 << 20)
        let bad = try write("capture: {interfaces: [mirror0], snapshot_bytes: 20, mirror: yes}\n")
        do {
            _ = try DaemonConfiguration.load(path: bad)
            Issue.record("a snapshot of 20 bytes and an unknown key were accepted")
        } catch {
            let text = error.diagnostics.map(\.description).joined(separator: "\n")
            #expect(
                text.contains("\(bad):1:") && text.contains("`capture.snapshot_bytes` is 20, outside 64…65535") && text.contains("`mirror`"),
                "\(text)")
        }
    }

    @Test func badListenAddressAndTrapPortAreLocated() throws {
        let path = try write("http: {listen: \"localhost\"}\ntraps: {port: 70000}\n")
        #expect(throws: ModelError.self) { try DaemonConfiguration.load(path: path) }
        do { _ = try DaemonConfiguration.load(path: path) } catch {
            #expect(
                error.diagnostics.map(\.description) == [
                    "\(path):1:16: error: http.listen `localhost` is not HOST:PORT\n    help: write e.g. `127.0.0.1:9464` (port 0 picks a free one)",
                    "\(path):2:15: error: `traps.port` is 70000, outside 0…65535",
                ])
        }
    }

    @Test func fleetPolicySetsIntervalsByRoleAndRejectsUnknownRoles() throws {
        let fixture = try InventoryFixture()
        defer { fixture.remove() }
        try fixture.writePolicy(
            "fleet.yaml", "terminals_per_student: 1\nterminals_per_teacher: 1\npoll_interval_seconds: {server: 120, access-point: 300}\n")
        #expect(try fixture.load().policies.fleet.pollIntervalSeconds == [.server: 120, .accessPoint: 300])
        try fixture.writePolicy("fleet.yaml", "terminals_per_student: 1\nterminals_per_teacher: 1\npoll_interval_seconds: {servers: 120}\n")
        let diagnostics = fixture.diagnostics()
        #expect(
            diagnostics.count == 1 && diagnostics[0].message.contains("unknown key `servers`") && diagnostics[0].help?.contains("server") == true,
            "\(diagnostics)")
    }
}
