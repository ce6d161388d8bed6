import Foundation
import Model
import Pool
import Store
import Testing

/// The sample pool reserves, by its services' replicas, 128 vCPU, 512 GiB and 26 TiB in cloud-a and 96 vCPU, 384 GiB
/// and 14 TiB in cloud-b; each site has 288 vCPU (1,152 admissible at 4:1), 2,304 GiB and 138 TiB.
@Suite("Admission control of allocations")
struct AdmissionTests {
    @Test func anAllocationThatFitsIsStoredWhereThereIsMostRoomWithItsHistory() throws {
        let fixture = try PoolFixture()
        defer { fixture.remove() }
        let (allocation, decision) = try fixture.register.allocate(
            fixture.request(vcpus: 16, memoryGiB: 64, storageTiB: 2), force: false, by: "zhang.wei", why: "录播系统", at: PoolFixture.now)
        #expect(decision.accepted && allocation.site == "cloud-b" && !allocation.forced)
        #expect(decision.figures.contains("cloud-b: vcpu 112 vCPU of 1152 vCPU, memory 448GiB of 2.25TiB, storage 16TiB of 138TiB with it"))
        #expect(try fixture.register.store.allocations().map(\.id) == [allocation.id])
        let history = try fixture.register.store.history()
        #expect(history.count == 1 && history[0].action == "allocate" && history[0].by == "zhang.wei" && history[0].why == "录播系统")
        // Released: no longer held, still in the history.
        _ = try fixture.register.release(allocation.id, by: "zhang.wei", why: "项目结束", at: PoolFixture.now.addingTimeInterval(60))
        #expect(try fixture.register.store.allocations().isEmpty)
        #expect(try fixture.register.store.allocations(released: true).first?.releasedAt == PoolFixture.now.addingTimeInterval(60))
        #expect(try fixture.register.store.history().map(\.action) == ["release", "allocate"])
        #expect(throws: PoolError.self) { try fixture.register.release(allocation.id, by: "x", why: "", at: PoolFixture.now) }
    }

    @Test func anAllocationThatBreaksSiteLossSurvivalIsRefusedThenForcedAndReported() throws {
        let fixture = try PoolFixture()
        defer { fixture.remove() }
        // cloud-a: 512 + 1,500 = 2,012 GiB ≤ 2,304, so it fits; the pool: 896 + 1,500 = 2,396 GiB > 2,304 left without cloud-a.
        let request = fixture.request("city-platform", memoryGiB: 1500, site: "cloud-a")
        let error = try #require(throws: PoolError.self) {
            try fixture.register.allocate(request, force: false, by: "li", why: "", at: PoolFixture.now)
        }
        #expect(error.code == .refused)
        #expect(
            error.message.contains("the pool would not survive the loss of cloud-a: 2.34TiB of memory reserved, 2.25TiB left under the 1:1 ratio"))
        #expect(error.message.contains("`--force` accepts it anyway"))
        #expect(try fixture.register.store.allocations().isEmpty && fixture.register.store.history().isEmpty)
        #expect(try fixture.verdicts().findings().first { $0.rule == .poolSiteLoss }?.verdict != .fail)

        let (forced, _) = try fixture.register.allocate(request, force: true, by: "li", why: "考试周", at: PoolFixture.now)
        #expect(forced.forced && forced.site == "cloud-a")
        #expect(try fixture.register.store.history().first?.verdict?.contains("2.34TiB of memory reserved") == true)
        let finding = try #require(try fixture.verdicts().findings().first { $0.rule == .poolSiteLoss })
        #expect(finding.verdict == .fail)
        #expect(finding.reason?.contains("memory reservations 2.34TiB > 2.25TiB") == true, "\(finding.reason ?? "")")
        #expect(finding.reason?.contains("forced past admission control: #\(forced.id) city-platform/vm") == true)
    }

    @Test func anAllocationBeyondTheOvercommitRatioIsRefusedAndCannotBeForced() throws {
        let fixture = try PoolFixture()
        defer { fixture.remove() }
        let request = fixture.request(vcpus: 1100, site: "cloud-a")
        let decision = try fixture.register.check(request, at: PoolFixture.now)
        #expect(!decision.fits && decision.site == nil)
        #expect(decision.problems.contains("cloud-a has no room: vcpu 1228 vCPU of 1152 vCPU admissible"))
        let error = try #require(throws: PoolError.self) {
            try fixture.register.allocate(request, force: true, by: "li", why: "", at: PoolFixture.now)
        }
        #expect(error.code == .refused && error.message.contains("it fits no site, so it cannot be forced"))
        #expect(try fixture.register.store.allocations().isEmpty)
    }

    @Test func measuredUseCountsTooNotOnlyReservations() throws {
        let fixture = try PoolFixture()
        defer { fixture.remove() }
        // Every host at 90 % CPU: 86.4 vCPU each, 518.4 over the pool, against 288 × 0.8 = 230.4 left without a site.
        for host in fixture.pool.hosts { try fixture.poll(host.device, at: PoolFixture.now.addingTimeInterval(-60), load: 90) }
        let decision = try fixture.register.check(fixture.request(vcpus: 4), at: PoolFixture.now)
        #expect(decision.fits && !decision.survivesSiteLoss)
        #expect(
            decision.problems.contains {
                $0.hasPrefix("measured p95 vcpu use would not fit after losing cloud-a: 519.4 vCPU with this allocation, 230.4 vCPU left")
            })
        let findings = try fixture.verdicts().findings()
        #expect(findings.first { $0.rule == .poolSiteLoss }?.reason?.contains("measured p95 vcpu 518.4 vCPU > 230.4 vCPU") == true)
        let elastic = findings.filter { $0.rule == .poolElasticCompute }
        #expect(elastic.map(\.verdict) == [.fail, .fail] && abs((elastic.first?.measuredValue ?? 0) - 0.9) < 1e-9)
    }

    @Test func badRequestsAreRefusedWithTheNameAndNothingIsStored() throws {
        let fixture = try PoolFixture()
        defer { fixture.remove() }
        for (request, message) in [
            (fixture.request("xingqing-primary-1", vcpus: 1), "no tenant `xingqing-primary-1`; did you mean `xingqing-primary-01`?"),
            (fixture.request(vcpus: 1, site: "cloud-c"), "no cloud site `cloud-c`; did you mean `cloud-a`?"),
            (fixture.request(), "the allocation asks for nothing"),
        ] {
            let error = try #require(throws: PoolError.self) {
                try fixture.register.allocate(request, force: false, by: "x", why: "", at: PoolFixture.now)
            }
            #expect(error.message.hasPrefix(message), "\(error.message)")
        }
        #expect(try fixture.register.store.allocations(released: true).isEmpty && fixture.register.store.history().isEmpty)
    }
}
