import Daemon
import Foundation
import Model
import Pool
import Store
import TestSupport
import Testing

@Suite("The education cloud's verdicts")
struct PoolVerdictTests {
    static let hour: TimeInterval = 3600

    @Test func storageFillsAtTheLeastSquaresTrendOfEverySample() throws {
        let fixture = try PoolFixture()
        defer { fixture.remove() }
        // data-a's three hosts, hourly for 80 h (across four UTC days): 1 GiB an hour more each, from 10, 20 and 30 TiB.
        let start = PoolFixture.now.addingTimeInterval(-79 * Self.hour)
        for (n, device) in ["cloud-a-host1", "cloud-a-host2", "cloud-a-host3"].enumerated() {
            for h in 0..<80 {
                try fixture.poll(device, at: start.addingTimeInterval(Double(h) * Self.hour), dataUsed: UInt64(10 * (n + 1)) << 40 + UInt64(h) << 30)
            }
        }
        let verdicts = try fixture.verdicts()
        let trend = try #require(verdicts.storage["data-a"])
        #expect(abs(try #require(trend.growthPerDay) - 72 * 1_073_741_824) < 1)  // 3 hosts × 24 GiB a day
        // Free at the last samples: 3 × 46 TiB − (60 TiB + 3 × 79 GiB), at 72 GiB a day.
        let tebibyte: UInt64 = 1 << 40
        let gibibyte: UInt64 = 1 << 30
        let free = Double(3 * 46 * tebibyte - 60 * tebibyte - 3 * 79 * gibibyte)
        #expect(abs(try #require(trend.daysUntilFull) - free / (72 * 1_073_741_824)) < 1e-6)
        let finding = try #require(verdicts.findings().first { $0.id == "pool-storage:data-a" })
        #expect(finding.verdict == .pass && finding.evidence.samples == 240)  // about 1,109 days, more than 90
        // data-b: nothing reported.
        #expect(
            verdicts.findings().first { $0.id == "pool-storage:data-b" }?.reason
                == "no host of the pool has reported this file system (hrStorageTable)")
    }

    @Test func storageFullSoonFailsAndRaisesItsAlert() throws {
        let fixture = try PoolFixture()
        defer { fixture.remove() }
        // Half a TiB an hour (12 TiB a day) on one host, 39.5 TiB of 46 used at the last poll: full in 13 hours, under both the
        // 90 and the 30 days.
        for h in 0..<80 {
            try fixture.poll("cloud-a-host1", at: PoolFixture.now.addingTimeInterval(Double(h - 79) * Self.hour), dataUsed: UInt64(h) << 39)
        }
        let verdicts = try fixture.verdicts()
        let trend = try #require(verdicts.storage["data-a"])
        let size: UInt64 = 46 << 40
        let last: UInt64 = 79 << 39
        let perDay: UInt64 = 12 << 40
        #expect(abs(try #require(trend.daysUntilFull) - Double(size - last) / Double(perDay)) < 1e-9)
        #expect(verdicts.findings().first { $0.id == "pool-storage:data-a" }?.verdict == .fail)
        let alert = try #require(
            AlertSources.pool(verdicts, rules: fixture.configuration.policies.alerting.rules).first { $0.rule == "pool_storage_full" })
        #expect(alert.subject == "data-a" && alert.labels["storage_pool"] == "data-a" && alert.labels["category"] == "cloud")
    }

    @Test func aTrendIsUnknownWithTooFewHoursAFlatUseOrACappedSize() throws {
        for (polls, capped, reason) in [
            (10, false, "too few days: 9.0 h of samples, 72 h needed for a trend"),
            (80, false, "the trend is flat or falling: the pool does not fill at this rate"),
            (80, true, "reports /data at the Integer32 cap of hrStorageSize"),
        ] {
            let fixture = try PoolFixture()
            defer { fixture.remove() }
            for h in 0..<polls {
                try fixture.poll("cloud-a-host1", at: PoolFixture.now.addingTimeInterval(Double(h - polls + 1) * Self.hour), capped: capped)
            }
            let finding = try #require(try fixture.verdicts().findings().first { $0.id == "pool-storage:data-a" })
            #expect(finding.verdict == .unknown && finding.reason?.contains(reason) == true, "\(finding.reason ?? "")")
        }
    }

    @Test func aSiteWhoseHostsDoNotAnswerBreaksActiveActiveAndSiteLossSurvival() throws {
        let fixture = try PoolFixture()
        defer { fixture.remove() }
        for host in fixture.pool.hosts where host.site == "cloud-a" { try fixture.poll(host.device, at: PoolFixture.now.addingTimeInterval(-30)) }
        // cloud-b's hosts answered an hour ago, not since.
        for host in fixture.pool.hosts where host.site == "cloud-b" {
            try fixture.poll(host.device, at: PoolFixture.now.addingTimeInterval(-Self.hour))
        }
        let findings = try fixture.verdicts().findings()
        let activeActive = findings.filter { $0.rule == .poolActiveActive }
        #expect(activeActive.count == 4 && activeActive.allSatisfy { $0.verdict == .fail })
        #expect(
            activeActive.first { $0.subject.id == "resources" }?.reason?.contains("cloud-b: b1 — cloud-b-host1 does not answer SNMP since") == true)
        #expect(activeActive.first { $0.subject.id == "ebook" }?.reason == "not active-active: no replica in cloud-b")
        let siteLoss = try #require(findings.first { $0.rule == .poolSiteLoss })
        #expect(siteLoss.verdict == .fail && siteLoss.reason?.contains("cloud-b is down (none of its 3 hosts answers SNMP)") == true)
        let alerts = AlertSources.pool(try fixture.verdicts(), rules: fixture.configuration.policies.alerting.rules)
        #expect(
            Set(alerts.filter { $0.rule == "pool_active_active_lost" }.map(\.subject)) == ["resources", "live-class", "student-records", "ebook"])
        #expect(alerts.contains { $0.rule == "pool_site_loss" && $0.severity == .critical })
    }

    @Test func healthChecksOnARealServerDecideTheReplicasThatNameOne() async throws {
        let healthy = WebhookReceiver()
        let failing = WebhookReceiver()
        try await healthy.start()
        try await failing.start()
        failing.answer(.init(status: 503, body: "down"))
        var fixture = try PoolFixture()
        defer { fixture.remove() }
        // live-class's replicas: cloud-a's check answers 200, cloud-b's 503; a third URL nothing listens on.
        var configuration = fixture.configuration
        let index = try #require(configuration.inventory.computePool.services.firstIndex { $0.id == "live-class" })
        configuration.inventory.computePool.services[index].health = ["cloud-a": healthy.url("/healthz"), "cloud-b": failing.url("/healthz")]
        fixture = try PoolFixture(replacing: configuration, in: fixture)
        // A generous timeout: the receivers answer at once, but on a loaded 2-core machine their tasks may wait their turn.
        let checks = await ServiceHealthProbe(timeout: 15).check(configuration.inventory.computePool, at: PoolFixture.now)
        #expect(Set(checks.map { "\($0.site) \($0.ok) \($0.detail)" }) == ["cloud-a true HTTP 200", "cloud-b false HTTP 503"])
        #expect(healthy.received.map(\.path) == ["/healthz"])
        try fixture.register.store.record(checks)
        for host in fixture.pool.hosts { try fixture.poll(host.device, at: PoolFixture.now.addingTimeInterval(-30)) }
        let findings = try fixture.verdicts().findings()
        let liveClass = try #require(findings.first { $0.id == "pool-active-active:live-class" })
        #expect(
            liveClass.verdict == .fail && liveClass.reason == "not active-active: cloud-b: b2 — health check \(failing.url("/healthz")): HTTP 503")
        #expect(findings.first { $0.id == "pool-active-active:resources" }?.verdict == .pass)
        #expect(findings.first { $0.id == "pool-active-active:ebook" }?.verdict == .fail)
        // Nothing listening: a failed check that says so.
        let gone = await ServiceHealthProbe(timeout: 1).check(
            ComputePool(services: [.init(id: "x", name: "x", hosts: [], health: ["cloud-a": "http://127.0.0.1:\(WebhookReceiver.freePort())/h"])]),
            at: PoolFixture.now)
        #expect(gone.count == 1 && gone[0].ok == false && gone[0].detail.hasPrefix("no answer within 1.0 s"), "\(gone)")
        await healthy.stop()
        await failing.stop()
    }
}
