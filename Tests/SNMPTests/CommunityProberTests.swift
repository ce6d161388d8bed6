import Foundation
import Model
import Monitor
import SNMP
import TestSupport
import Testing

/// The default-community probe against real agents: snmpd answering `public` beside its own community, snmpd
/// answering only SNMPv3, snmpsim serving a recording under `public` and a real device's recording under its own
/// community, and an address where nothing answers.
@Suite("Community probe on real agents")
struct CommunityProberTests {
    static let forbidden = ["public", "private", "huawei"]

    @Test func eachDeviceIsJudgedByWhatItAnswered() async throws {
        let posture = await TestAgents.posture()
        let synthetic = await TestAgents.snmpsim()
        let recording = "huawei-s5720"
        let recorded = await TestAgents.snmpsim(serving: recording)
        let v3 = SNMPCredentials.v3(USMUser(name: "u-posture", auth: (.sha256, "edunet-auth-pass"), privacy: (.aes128, "edunet-priv-pass")))
        func device(_ id: String, _ host: String, _ port: UInt16, _ credentials: SNMPCredentials) -> PolledDevice {
            PolledDevice(id: id, target: SNMPTarget(host: host, port: port, credentials: credentials, timeout: .seconds(5), retries: 3, name: id))
        }
        let devices = [
            device("open", "127.21.0.1", posture.port, .v2c(community: "edunet-test")),
            device("v3-only", "127.21.0.2", posture.port, v3),
            device("sim-public", "127.0.0.1", synthetic.port, .v2c(community: "bare")),
            device("sim-huawei", "127.0.0.1", recorded.port, .v2c(community: recording)),
            device("dead", "127.20.2.1", posture.port, .v2c(community: "edunet-test")),
        ]
        let time = Date(timeIntervalSince1970: 1_796_000_000)
        let engine = SNMPEngine()
        // snmpsim indexes a recording on its first request, which can take longer than any probe waits.
        _ = try await engine.get(TestAgents.target(recorded, community: recording, timeout: .seconds(20), retries: 3), ["1.3.6.1.2.1.1.2.0"])
        // snmpsim is slow under the suite's other walks (a queue of seconds): a long timeout, so that no answer is missed.
        let probes = await CommunityProber(engine: engine, timeout: .seconds(20)) { time }
            .probe(devices, communities: Self.forbidden, devicesInFlight: 2)
        #expect(probes.map(\.device) == devices.map(\.id), "in the order given")
        #expect(probes.allSatisfy { $0.time == time })
        let byDevice = Dictionary(uniqueKeysWithValues: probes.map { ($0.device, $0) })
        let both = [CommunityProbe.Answer(community: "public", version: "v1"), .init(community: "public", version: "v2c")]
        #expect(byDevice["open"]?.answers == both && byDevice["open"]?.reachable == true)
        #expect(byDevice["open"]?.answeredText == "public (v1, v2c)")
        #expect(byDevice["v3-only"]?.answers == [] && byDevice["v3-only"]?.reachable == true, "no community at all, its own v3 user answers")
        #expect(byDevice["sim-public"]?.answers == both, "noSuchObject is an answer")
        #expect(byDevice["sim-huawei"]?.answers == [] && byDevice["sim-huawei"]?.reachable == true)
        #expect(byDevice["dead"]?.answers == [] && byDevice["dead"]?.reachable == false)
        // A silent device costs the probe's own timeout once (all its GETs in flight together, no retries), not the
        // device's 5 s and 3 retries. (An engine keeps a session's timeout from its first request: a fresh one.)
        let started = ContinuousClock.now
        let dead = await CommunityProber(engine: SNMPEngine(), timeout: .milliseconds(500)).probe(devices[4], communities: Self.forbidden)
        let elapsed = ContinuousClock.now - started
        #expect(!dead.reachable && elapsed < .milliseconds(1500), "\(elapsed)")
    }
}
