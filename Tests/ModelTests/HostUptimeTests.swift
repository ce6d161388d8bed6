import Foundation
import Model
import Testing

/// Telling a server's restart from its uptime counter starting again at 497.1 days, and writing an uptime for people.
@Suite("Server uptime")
struct HostUptimeTests {
    @Test func anUptimeThatKeptCountingIsTheSameBoot() {
        #expect(!HostReading.restarted(previous: (time: 1_000, uptime: 5_000), time: 1_060, uptime: 5_060))
        // Stamped when the polls were stored: up to ten seconds short of the clock is the same boot.
        #expect(!HostReading.restarted(previous: (time: 1_000, uptime: 5_000), time: 1_060, uptime: 5_051))
        // An uptime ahead of the clock (the previous poll was stored late) is the same boot too.
        #expect(!HostReading.restarted(previous: (time: 1_000, uptime: 5_000), time: 1_060, uptime: 5_075))
    }

    @Test func anUptimeThatFellBackIsARestart() {
        #expect(HostReading.restarted(previous: (time: 1_000, uptime: 5_000), time: 1_060, uptime: 30))
        #expect(HostReading.restarted(previous: (time: 1_000, uptime: 5_000), time: 1_060, uptime: 5_049))
        // Polls days apart (the daemon was stopped): a host up for less than the gap restarted in it.
        #expect(HostReading.restarted(previous: (time: 0, uptime: 100), time: 3 * 86_400, uptime: 86_400))
    }

    @Test func aTimeTicksThatWrappedIsNotARestart() {
        let wrap = HostReading.uptimeWrapSeconds
        #expect(wrap == 42_949_672.96)
        // Up 497.1 days less 30 s, then a minute later 30 s: the counter went past 2³² hundredths and started again.
        #expect(!HostReading.restarted(previous: (time: 1_000, uptime: wrap - 30), time: 1_060, uptime: 30))
        #expect(!HostReading.restarted(previous: (time: 1_000, uptime: wrap - 30), time: 1_060, uptime: 25))
        // A wrapped counter would read 30 s: one that reads 2 s booted since.
        #expect(HostReading.restarted(previous: (time: 1_000, uptime: wrap - 30), time: 1_060, uptime: 2))
        // Four minutes short of the wrap, a minute later: no wrap can explain a count that fell back.
        #expect(HostReading.restarted(previous: (time: 1_000, uptime: wrap - 300), time: 1_060, uptime: 5))
    }

    @Test func spansInTheirTwoLargestUnits() {
        #expect(CityTime.span(42.9) == "42 s")
        #expect(CityTime.span(250) == "4 m 10 s")
        #expect(CityTime.span(3 * 3_600 + 5 * 60 + 59) == "3 h 5 m")
        #expect(CityTime.span(12 * 86_400 + 3 * 3_600 + 1) == "12 d 3 h")
        #expect(CityTime.span(-5) == "0 s")
    }
}
