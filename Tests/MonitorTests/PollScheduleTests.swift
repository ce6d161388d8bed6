import Testing

@testable import Monitor

/// The polling loop's scheduling rules on exact times: no clock, no agent.
@Suite("Poll schedule")
struct PollScheduleTests {
    let minute = Duration.seconds(60)

    @Test func devicesStartAtTheirOffsetAndComeBackEveryInterval() {
        var schedule = PollSchedule(intervals: [minute, minute], cycle: minute, offsets: [0.5, 0.25])
        #expect(schedule.nextDue == .seconds(15))
        #expect(schedule.takeDue(at: .seconds(14)) == nil, "not before its offset")
        let first = schedule.takeDue(at: .seconds(15))
        #expect(first == .init(at: .seconds(15), device: 1))
        #expect(schedule.attempted(first!, started: .seconds(15), at: .seconds(16), succeeded: true).isEmpty)
        #expect(schedule.nextDue == .seconds(30), "device 0 at half the interval")
        let second = schedule.takeDue(at: .seconds(31))!
        #expect(second == .init(at: .seconds(30), device: 0))
        _ = schedule.attempted(second, started: .seconds(31), at: .seconds(32), succeeded: true)
        #expect(schedule.takeDue(at: .seconds(74)) == nil)
        #expect(schedule.takeDue(at: .seconds(75)) == .init(at: .seconds(75), device: 1), "one interval after its last due time, not its end")
    }

    @Test func devicesOfOneStepStartTogetherAtItsBeginning() {
        // Steps of 15 s: offsets 0.1 and 0.2 (6 s, 12 s) share the first, 0.3 (18 s) starts the second, 0.99 the last.
        var schedule = PollSchedule(intervals: [minute, minute, minute, minute], cycle: minute, offsets: [0.2, 0.99, 0.1, 0.3], step: .seconds(15))
        #expect(schedule.takeDue(at: .zero) == .init(at: .zero, device: 0))
        #expect(schedule.takeDue(at: .zero) == .init(at: .zero, device: 2))
        #expect(schedule.takeDue(at: .zero) == nil && schedule.nextDue == .seconds(15))
        #expect(schedule.takeDue(at: .seconds(15)) == .init(at: .seconds(15), device: 3))
        #expect(schedule.nextDue == .seconds(45))
    }

    @Test func noMorePollsStartTogetherThanMayBeInFlight() {
        // Fifty started together with two in flight would queue 48 of them, each later than its due time.
        let settings = PollingLoop.Settings(interval: minute, maxDevicesInFlight: 2, startedTogether: 50, seed: 1)
        #expect(settings.startedTogether == 2 && settings.maxDevicesInFlight == 2)
        #expect(PollingLoop.Settings(interval: minute, maxDevicesInFlight: 100, startedTogether: 50, seed: 1).startedTogether == 50)
    }

    @Test func failuresBackOffTwiceFourAndEightTimesThenStay() {
        var schedule = PollSchedule(intervals: [minute], cycle: minute, offsets: [0])
        var due = schedule.takeDue(at: .zero)!
        var dueTimes: [Duration] = []
        for attempt in 1...5 {
            _ = schedule.attempted(due, started: due.at, at: due.at + .seconds(2), succeeded: false)
            #expect(schedule.failures(of: 0) == attempt)
            due = schedule.takeDue(at: .seconds(100_000))!
            dueTimes.append(due.at)
        }
        // 0 → +2 min → +4 → +8 → +8 → +8.
        #expect(dueTimes == [.seconds(120), .seconds(360), .seconds(840), .seconds(1320), .seconds(1800)])
        _ = schedule.attempted(due, started: due.at, at: due.at + .seconds(1), succeeded: true)
        #expect(schedule.failures(of: 0) == 0 && schedule.nextDue == .seconds(1860), "one interval again after a success")
    }

    @Test func aLatePollIsNotMadeUpWithABurst() {
        var schedule = PollSchedule(intervals: [minute], cycle: minute, offsets: [0])
        let due = schedule.takeDue(at: .zero)!
        // The poll took 150 s: the next is due now, not at 60 and 120 s.
        _ = schedule.attempted(due, started: .seconds(1), at: .seconds(150), succeeded: true)
        #expect(schedule.nextDue == .seconds(150))
    }

    @Test func aCycleClosesOnceItsIntervalHasPassedAndEveryPollDueInItWasAttempted() {
        var schedule = PollSchedule(intervals: [minute, minute], cycle: minute, offsets: [0, 0.5])
        let a = schedule.takeDue(at: .seconds(30))!
        let b = schedule.takeDue(at: .seconds(30))!
        #expect(schedule.attempted(a, started: .seconds(0), at: .seconds(5), succeeded: true).isEmpty)
        // b started 12 s behind its due time and ended at 70 s: the cycle 0–60 s is over then, 70 s long.
        #expect(
            schedule.attempted(b, started: .seconds(42), at: .seconds(70), succeeded: true)
                == [.init(index: 0, length: .seconds(70), maxLateness: .seconds(12))])
        #expect(schedule.closeCycles(at: .seconds(119)).isEmpty, "cycle 1 is not over before 120 s")
        let c = schedule.takeDue(at: .seconds(90))!
        let d = schedule.takeDue(at: .seconds(90))!
        _ = schedule.attempted(c, started: .seconds(60), at: .seconds(61), succeeded: true)
        #expect(schedule.attempted(d, started: .seconds(90), at: .seconds(100), succeeded: true).isEmpty, "its interval has not passed")
        #expect(schedule.closeCycles(at: .seconds(120)) == [.init(index: 1, length: .seconds(40), maxLateness: .zero)])
        #expect(schedule.closeCycles(at: .seconds(200)).isEmpty, "each cycle is said once; cycle 2's polls are not attempted")
    }
}
