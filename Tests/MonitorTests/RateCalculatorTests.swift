import Foundation
import Testing

@testable import Monitor

@Suite("Counters to rates: wraps, restarts, resets and gaps")
struct RateCalculatorTests {
    let calculator = RateCalculator(maximumInterval: 150)
    let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    private func sample(
        _ seconds: Double, uptime: UInt32, in inOctets: OctetCounter?, out outOctets: OctetCounter? = nil,
        discontinuity: UInt32? = 0, speed: UInt64? = 10_000_000_000
    ) -> InterfaceSample {
        InterfaceSample(
            time: t0.addingTimeInterval(seconds), sysUpTime: uptime, discontinuityTime: discontinuity,
            inOctets: inOctets, outOctets: outOctets, speedBitsPerSecond: speed)
    }

    @Test func anInterfaceWithoutOctetCountersIsUnknownNotMeasured() {
        #expect(calculator.rate(from: sample(0, uptime: 100, in: nil), to: sample(60, uptime: 6_100, in: nil)) == .unknown(.noCounters))
        // One direction counted is a measurement of that direction.
        #expect(
            calculator.rate(from: sample(0, uptime: 100, in: nil, out: .bits64(0)), to: sample(60, uptime: 6_100, in: nil, out: .bits64(750)))
                == .measured(inBitsPerSecond: nil, outBitsPerSecond: 100))
    }

    @Test func sixtyFourBitDelta() {
        // 750,000,000 octets in 60 s = 100,000,000 bit/s; out 7.5e9 octets = 1 Gbit/s.
        let rate = calculator.rate(
            from: sample(0, uptime: 100, in: .bits64(1_000), out: .bits64(UInt64(1) << 40)),
            to: sample(60, uptime: 6_100, in: .bits64(750_001_000), out: .bits64((UInt64(1) << 40) + 7_500_000_000)))
        #expect(rate == .measured(inBitsPerSecond: 100_000_000, outBitsPerSecond: 1_000_000_000))
    }

    @Test func thirtyTwoBitWrapOnASlowLink() {
        // 100 Mbit/s link: wraps every 343 s, so one wrap in 60 s is unambiguous.
        let before = UInt32.max - 99_999_999
        let rate = calculator.rate(
            from: sample(0, uptime: 0, in: .bits32(before), speed: 100_000_000),
            to: sample(60, uptime: 6_000, in: .bits32(650_000_000), speed: 100_000_000))
        // delta = 2^32 − before + 650,000,000 = 100,000,000 + 650,000,000 octets over 60 s = 100 Mbit/s.
        #expect(rate == .measured(inBitsPerSecond: 100_000_000, outBitsPerSecond: nil))
    }

    @Test func thirtyTwoBitCountersOnAGigabitLinkPolledEveryMinuteAreAmbiguous() {
        let rate = calculator.rate(
            from: sample(0, uptime: 0, in: .bits32(5), speed: 1_000_000_000),
            to: sample(60, uptime: 6_000, in: .bits32(10), speed: 1_000_000_000))
        #expect(rate == .unknown(.ambiguousWrap))
    }

    @Test func restartIsUnknownNotASpikeNorAZero() {
        let rate = calculator.rate(
            from: sample(0, uptime: 900_000, in: .bits64(9_000_000_000)),
            to: sample(60, uptime: 3_000, in: .bits64(1_000)))
        #expect(rate == .unknown(.agentRestarted))
    }

    @Test func discontinuityIsUnknown() {
        let rate = calculator.rate(
            from: sample(0, uptime: 100, in: .bits64(50), discontinuity: 0),
            to: sample(60, uptime: 6_100, in: .bits64(60), discontinuity: 6_050))
        #expect(rate == .unknown(.counterDiscontinuity))
    }

    @Test func aMissedPollIsAGap() {
        let rate = calculator.rate(from: sample(0, uptime: 0, in: .bits64(0)), to: sample(181, uptime: 18_100, in: .bits64(1_000)))
        #expect(rate == .unknown(.gap))
    }

    @Test func backwardsOrImpossibleCountersAreRejected() {
        #expect(
            calculator.rate(from: sample(0, uptime: 0, in: .bits64(1_000)), to: sample(60, uptime: 6_000, in: .bits64(10)))
                == .unknown(.implausible))
        // 10 Gbit/s link: 100 GB in 60 s would be 13.3 Gbit/s.
        #expect(
            calculator.rate(from: sample(0, uptime: 0, in: .bits64(0)), to: sample(60, uptime: 6_000, in: .bits64(100_000_000_000)))
                == .unknown(.implausible))
        #expect(
            calculator.rate(from: sample(0, uptime: 0, in: .bits32(5)), to: sample(60, uptime: 6_000, in: .bits64(10)))
                == .unknown(.counterWidthChanged))
        #expect(calculator.rate(from: sample(60, uptime: 0, in: .bits64(5)), to: sample(60, uptime: 0, in: .bits64(10))) == .unknown(.clock))
    }

    @Test func aDirectionWithoutCountersIsNilNotZero() {
        let rate = calculator.rate(from: sample(0, uptime: 0, in: nil, out: .bits64(0)), to: sample(10, uptime: 1_000, in: nil, out: .bits64(1_250)))
        #expect(rate == .measured(inBitsPerSecond: nil, outBitsPerSecond: 1_000))
    }
}
