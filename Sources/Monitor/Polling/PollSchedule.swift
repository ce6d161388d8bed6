import HeapModule

/// The polling loop's scheduling core as a value, with time as durations since the loop started, so that its rules
/// are tested exactly and without a clock: each device's next due time (its seeded offset within its interval, then
/// one interval after the last due time, or 2×, 4×, 8× while its polls fail; a late poll is not made up with a
/// burst), and cycles — time cut into intervals from the start, a cycle over once its interval has passed and every
/// poll that fell due in it was attempted, its length measured from its start to the last of those attempts, with
/// the latest start behind schedule.
public struct PollSchedule: Sendable {
    /// A device waiting for its turn: when it falls due, and which it is (its index in the loop's devices).
    public struct Due: Comparable, Sendable {
        public var at: Duration
        public var device: Int

        public init(at: Duration, device: Int) {
            self.at = at
            self.device = device
        }

        public static func < (a: Due, b: Due) -> Bool { (a.at, a.device) < (b.at, b.device) }
    }

    /// A cycle that is over: how long every poll due in it took to be attempted, and the latest start.
    public struct Cycle: Sendable, Equatable {
        public var index: Int
        public var length: Duration
        public var maxLateness: Duration
    }

    /// Polls due in a cycle not yet attempted, when the last was done, and the latest start behind schedule.
    private struct OpenCycle {
        var pending = 0
        var lastDone: Duration?
        var maxLateness: Duration = .zero
    }

    /// The cycles' length: the loop's interval.
    public let interval: Duration
    private let intervals: [Duration]
    private var waiting: Heap<Due>
    private var cycles: [Int: OpenCycle] = [:]
    private var failures: [Int]

    /// Devices with their own intervals, each first due at its offset (a fraction in [0, 1)) of its interval, rounded
    /// down to a whole number of `step`s (zero: not rounded), so that the devices of one step start together.
    public init(intervals: [Duration], cycle interval: Duration, offsets: [Double], step: Duration = .zero) {
        self.interval = interval
        self.intervals = intervals
        failures = [Int](repeating: 0, count: intervals.count)
        waiting = Heap(
            zip(intervals.indices, offsets).map { index, offset in
                let at = intervals[index] * offset
                return Due(at: step > .zero ? step * (at / step).rounded(.down) : at, device: index)
            })
        for due in waiting.unordered { cycles[cycle(of: due.at), default: OpenCycle()].pending += 1 }
    }

    /// When the next device falls due; nil when there is none.
    public var nextDue: Duration? { waiting.min?.at }

    /// Takes the next device due by `now`, if any.
    public mutating func takeDue(at now: Duration) -> Due? {
        guard let due = waiting.min, due.at <= now else { return nil }
        return waiting.popMin()
    }

    /// How many consecutive polls of a device have failed.
    public func failures(of device: Int) -> Int { failures[device] }

    /// A poll of `due` started at `started` was attempted and ended at `now`: counted against the cycle it fell due
    /// in, and the device is due again one interval after `due` (2×, 4×, 8× after failures), never before `now`.
    /// Returns the cycles that closed.
    public mutating func attempted(_ due: Due, started: Duration, at now: Duration, succeeded: Bool) -> [Cycle] {
        failures[due.device] = succeeded ? 0 : failures[due.device] + 1
        let index = cycle(of: due.at)
        var counted = cycles[index] ?? OpenCycle()
        counted.pending -= 1
        counted.lastDone = now
        counted.maxLateness = max(counted.maxLateness, started - due.at)
        cycles[index] = counted
        let next = Due(at: max(due.at + intervals[due.device] * (1 << min(failures[due.device], 3)), now), device: due.device)
        waiting.insert(next)
        cycles[cycle(of: next.at), default: OpenCycle()].pending += 1
        return closeCycles(at: now)
    }

    /// The cycles over by `now`, oldest first, each said once (a cycle in which nothing fell due closes unsaid).
    public mutating func closeCycles(at now: Duration) -> [Cycle] {
        var closed: [Cycle] = []
        for (index, cycle) in cycles.sorted(by: { $0.key < $1.key }) where cycle.pending <= 0 {
            let start = interval * index
            guard start + interval <= now else { break }
            cycles[index] = nil
            if let done = cycle.lastDone { closed.append(Cycle(index: index, length: done - start, maxLateness: cycle.maxLateness)) }
        }
        return closed
    }

    private func cycle(of time: Duration) -> Int { Int((time / interval).rounded(.down)) }
}
