import Foundation
import Model
import Testing
@testable import Monitor

@Suite("Link utilisation and percentiles")
struct LinkUtilisationTests {
    let link = Link(id: "city-county-yongning-b", tier: .cityCounty, a: LinkEnd(device: "city-core-b-sw", interface: "XGigabitEthernet2/0/4"),
                    b: LinkEnd(device: "agg-yongning-sw", interface: "GigabitEthernet1/0/2"), capacity: .gigabits(1))
    let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    private func samples(_ peaks: [Double?], device: String = "agg-yongning-sw") -> [InterfaceMeasurement] {
        peaks.enumerated().map { index, peak in
            InterfaceMeasurement(device: device, interface: "GigabitEthernet1/0/2", time: t0.addingTimeInterval(Double(index) * 60),
                                 inBitsPerSecond: peak.map { $0 / 2 }, outBitsPerSecond: peak, unknownReason: peak == nil ? "polls missed" : nil)
        }
    }

    @Test func nearestRankByHand() {
        #expect(Percentile.nearestRank(0.95, of: (1...20).map(Double.init)) == 19)   // rank ⌈0.95 × 20⌉ = 19
        #expect(Percentile.nearestRank(0.95, of: (1...100).map(Double.init)) == 95)
        #expect(Percentile.nearestRank(0.95, of: [7]) == 7)
        #expect(Percentile.nearestRank(0.5, of: [3, 1, 2, 4]) == 2)
        #expect(Percentile.nearestRank(0.95, of: []) == nil)
    }

    @Test func congestedWhenP95IsOverTheThreshold() {
        // 20 intervals: 18 at 900 Mbit/s, 2 unknown; p95 of the 18 known = 900M = 90 % of 1G > 80 %.
        let result = LinkUtilisation.evaluate(link, downstream: samples(Array(repeating: 900e6, count: 18) + [nil, nil]), upstream: [],
                                              congestionThreshold: 0.8)
        #expect(result.status == .congested)
        #expect(result.p95 == 900e6 && result.p95Utilisation == 0.9)
        #expect(result.coverage == 0.9)
        #expect(result.measuredEnd == link.b)
        #expect(result.latestIn == nil, "the newest interval was unknown, and stays unknown")
    }

    @Test func unknownIntervalsAreNeverAPass() {
        let result = LinkUtilisation.evaluate(link, downstream: samples([nil, nil, nil]), upstream: [], congestionThreshold: 0.8)
        #expect(result.status == .noData && result.p95 == nil && result.coverage == 0)
        let empty = LinkUtilisation.evaluate(link, downstream: [], upstream: [], congestionThreshold: 0.8)
        #expect(empty.status == .noData && empty.coverage == nil && empty.measuredEnd == nil)
    }

    @Test func upstreamEndIsUsedWhenTheDownstreamOneHasNoData() {
        let result = LinkUtilisation.evaluate(link, downstream: [], upstream: samples([100e6, 200e6, 300e6], device: "city-core-b-sw"),
                                              congestionThreshold: 0.8)
        #expect(result.measuredEnd == link.a && result.status == .ok && result.p95 == 300e6)
    }

    private func status(_ name: String, up: Bool = true, speed: UInt64? = 1_000_000_000) -> InterfaceStatus {
        InterfaceStatus(name: name, index: 1, alias: nil, speedBitsPerSecond: speed, adminUp: true, operUp: up)
    }

    @Test func aPlannedInterfaceThePolledDeviceLacksIsAFinding() {
        let result = LinkUtilisation.evaluate(link, downstream: [], upstream: [], downstreamInterfaces: ["GigabitEthernet1/0/1": status("GigabitEthernet1/0/1")],
                                              upstreamInterfaces: nil, congestionThreshold: 0.8)
        #expect(result.status == .interfaceMissing && result.problem == "agg-yongning-sw has no interface GigabitEthernet1/0/2")
        // A device never polled says nothing about its interfaces: that is no data, not a missing interface.
        let unpolled = LinkUtilisation.evaluate(link, downstream: [], upstream: [], downstreamInterfaces: nil, upstreamInterfaces: nil, congestionThreshold: 0.8)
        #expect(unpolled.status == .noData && unpolled.problem == nil)
    }

    @Test func aDownEndAndTheNegotiatedSpeed() {
        let result = LinkUtilisation.evaluate(link, downstream: samples([100e6, 100e6]), upstream: [],
                                              downstreamInterfaces: ["GigabitEthernet1/0/2": status("GigabitEthernet1/0/2", speed: 100_000_000)],
                                              upstreamInterfaces: ["XGigabitEthernet2/0/4": status("XGigabitEthernet2/0/4", up: false, speed: 10_000_000_000)],
                                              congestionThreshold: 0.8)
        #expect(result.status == .down && result.problem == "city-core-b-sw XGigabitEthernet2/0/4 is down")
        #expect(result.negotiatedSpeed == 100_000_000, "the downstream end's speed first: this 1G link negotiated 100M")
    }
}
