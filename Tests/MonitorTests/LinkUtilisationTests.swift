import Foundation
import Model
import Testing

@testable import Monitor

@Suite("Link utilisation and percentiles")
struct LinkUtilisationTests {
    let link = Link(
        id: "city-county-yongning-b", tier: .cityCounty, a: LinkEnd(device: "city-core-b-sw", interface: "XGigabitEthernet2/0/4"),
        b: LinkEnd(device: "agg-yongning-sw", interface: "GigabitEthernet1/0/2"), capacity: .gigabits(1))
    let t0 = Date(timeIntervalSince1970: 1_790_000_000)
    let criteria = LinkUtilisation.Criteria(congestionThreshold: 0.8)

    /// One sample a minute, stamped at the end of minute `index + 1`; `in` is half of `out`.
    private func samples(_ peaks: [Double?], device: String = "agg-yongning-sw") -> [InterfaceMeasurement] {
        peaks.enumerated().map { index, peak in
            InterfaceMeasurement(
                device: device, interface: "GigabitEthernet1/0/2", time: t0.addingTimeInterval(Double(index + 1) * 60),
                inBitsPerSecond: peak.map { $0 / 2 }, outBitsPerSecond: peak, unknownReason: peak == nil ? "polls missed" : nil)
        }
    }

    private func evaluate(
        _ samples: [InterfaceMeasurement], end: LinkEnd?, minutes: Double,
        interfaces: [String: [String: InterfaceStatus]] = [:]
    ) -> LinkUtilisation {
        LinkUtilisation.evaluate(
            link, measuredEnd: end, samples: samples, from: t0, to: t0.addingTimeInterval(minutes * 60 + 1),
            interfaces: interfaces, criteria: criteria)
    }

    private func status(_ name: String, up: Bool = true, speed: UInt64? = 1_000_000_000) -> InterfaceStatus {
        InterfaceStatus(name: name, index: 1, alias: nil, speedBitsPerSecond: speed, adminUp: true, operUp: up)
    }

    @Test func nearestRankByHand() {
        #expect(Percentile.nearestRank(0.95, of: (1...20).map(Double.init)) == 19)  // rank ⌈0.95 × 20⌉ = 19
        #expect(Percentile.nearestRank(0.95, of: (1...100).map(Double.init)) == 95)
        #expect(Percentile.nearestRank(0.95, of: [7]) == 7)
        #expect(Percentile.nearestRank(0.5, of: [3, 1, 2, 4]) == 2)
        #expect(Percentile.nearestRank(0.95, of: []) == nil)
        #expect(Percentile.rank(0.95, count: 18) == 18 && Percentile.rank(0.95, count: 1) == 1)
    }

    @Test func congestedWhenADirectionsP95IsOverTheThreshold() {
        // 20 intervals: 18 at 900 Mbit/s out (towards the school at the downstream end is "in": 450M), 2 unknown.
        let result = evaluate(samples(Array(repeating: 900e6, count: 18) + [nil, nil]), end: link.b, minutes: 20)
        #expect(result.status == .congested)
        #expect(result.downstream.p95 == 450e6 && result.upstream.p95 == 900e6)
        #expect(result.busierDirection == .upstream && result.p95 == 900e6 && result.p95Utilisation == 0.9)
        #expect(result.isCongested(.upstream) == true && result.isCongested(.downstream) == false)
        #expect(abs((result.coverage ?? 0) - 18 * 60 / 1201) < 1e-12, "measured × spacing / window")
        #expect(result.measuredEnd == link.b && result.capacity?.source == .planned)
        #expect(result.downstream.latest == nil, "the newest interval was unknown, and stays unknown")
        #expect(!result.isCongestedThroughout, "two intervals are unknown")
    }

    @Test func unknownIntervalsAreNeverAPass() {
        let result = evaluate(samples([nil, nil, nil]), end: link.b, minutes: 3)
        #expect(result.status == .noData && result.p95 == nil && result.coverage == 0)
        #expect(result.isCongested(.downstream) == nil && result.unknownReason(.downstream) == "no measured downstream samples in the window")
        let empty = evaluate([], end: nil, minutes: 3)
        #expect(empty.status == .noData && empty.coverage == nil && empty.measuredEnd == nil)
        // Measured, but a tenth of the window: the verdict is unknown, whatever the rates say.
        let thin = evaluate(samples([950e6, 950e6]), end: link.b, minutes: 20)
        #expect(thin.status == .lowCoverage && thin.isCongested(.upstream) == nil)
        #expect(thin.unknownReason(.upstream) == "samples cover only 10.0 % of the window")
    }

    @Test func atTheUpstreamEndTheDirectionsSwap() {
        // At city-core-b-sw (the upstream end) "out" is towards the school: downstream.
        let result = evaluate(samples([100e6, 200e6, 300e6], device: "city-core-b-sw"), end: link.a, minutes: 3)
        #expect(result.measuredEnd == link.a && result.status == .ok)
        #expect(result.downstream.p95 == 300e6 && result.upstream.p95 == 150e6 && result.downstream.peak == 300e6)
    }

    @Test func capacityIsTheSmallerOfPlannedAndNegotiated() {
        let slow = [
            "agg-yongning-sw": ["GigabitEthernet1/0/2": status("GigabitEthernet1/0/2", speed: 100_000_000)],
            "city-core-b-sw": ["XGigabitEthernet2/0/4": status("XGigabitEthernet2/0/4", speed: 10_000_000_000)],
        ]
        let negotiated = evaluate(samples([90e6, 90e6, 90e6]), end: link.b, minutes: 3, interfaces: slow)
        #expect(
            negotiated.capacity == .init(bitsPerSecond: 100e6, source: .negotiated, basis: "negotiated speed of agg-yongning-sw GigabitEthernet1/0/2")
        )
        #expect(negotiated.status == .congested && negotiated.p95Utilisation == 0.9, "90M of a port that negotiated 100M")
        // Measured at the upstream end: that end's speed (10G) is the one compared, and the plan's 1G is smaller.
        let fast = evaluate(samples([500e6, 500e6, 500e6], device: "city-core-b-sw"), end: link.a, minutes: 3, interfaces: slow)
        #expect(fast.capacity?.source == .planned && fast.capacity?.bitsPerSecond == 1e9 && fast.negotiatedSpeed == 10_000_000_000)
        let unplanned = Link(id: "x", tier: .cityCounty, a: link.a, b: link.b, capacity: nil)
        #expect(
            LinkUtilisation.evaluate(
                unplanned, measuredEnd: link.b, samples: samples([1e6, 1e6]), from: t0, to: t0.addingTimeInterval(121),
                interfaces: [:], criteria: criteria
            ).status == .noCapacity)
    }

    @Test func congestedThroughoutNeedsEveryIntervalOverTheThresholdFromTheSpansStart() {
        #expect(evaluate(samples(Array(repeating: 900e6, count: 15)), end: link.b, minutes: 15).isCongestedThroughout)
        #expect(!evaluate(samples(Array(repeating: 900e6, count: 14) + [790e6]), end: link.b, minutes: 15).isCongestedThroughout, "one at 79 %")
        // The first interval ends 3 minutes into the span: the minutes before it were not measured.
        let late = samples(Array(repeating: 900e6, count: 15)).dropFirst(2)
        #expect(!evaluate(Array(late), end: link.b, minutes: 15).isCongestedThroughout)
        #expect(!evaluate(samples([900e6]), end: link.b, minutes: 1).isCongestedThroughout, "a single interval")
    }

    @Test func aPlannedInterfaceThePolledDeviceLacksIsAFinding() {
        let result = evaluate([], end: nil, minutes: 3, interfaces: ["agg-yongning-sw": ["GigabitEthernet1/0/1": status("GigabitEthernet1/0/1")]])
        #expect(result.status == .interfaceMissing && result.problem == "agg-yongning-sw has no interface GigabitEthernet1/0/2")
        // A device never polled says nothing about its interfaces: that is no data, not a missing interface.
        let unpolled = evaluate([], end: nil, minutes: 3)
        #expect(unpolled.status == .noData && unpolled.problem == nil)
    }

    @Test func aDownEndAndTheNegotiatedSpeed() {
        let result = evaluate(
            samples([100e6, 100e6]), end: link.b, minutes: 2,
            interfaces: [
                "agg-yongning-sw": ["GigabitEthernet1/0/2": status("GigabitEthernet1/0/2", speed: 100_000_000)],
                "city-core-b-sw": ["XGigabitEthernet2/0/4": status("XGigabitEthernet2/0/4", up: false, speed: 10_000_000_000)],
            ])
        #expect(result.status == .down && result.problem == "city-core-b-sw XGigabitEthernet2/0/4 is down")
        #expect(result.negotiatedSpeed == 100_000_000, "the measured end's speed first: this 1G link negotiated 100M")
    }
}
