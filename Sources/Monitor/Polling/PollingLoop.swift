import Foundation
import Logging
import Model
import SNMP
import Store

/// Polls every device at the interval, each at its own offset within the interval (a seeded spread, so
/// that polls do not all start at once), at most `maxDevicesInFlight` devices at a time; never two polls of
/// one device at once. Each poll (rates, access points, server load) is stored in one transaction. A device
/// that does not answer is marked down and backed off (2×, 4×, up to 8× the interval) without holding up the
/// others. Time is cut into cycles of one interval from the start; a cycle is over when every poll that fell due
/// in it has been attempted, and its length (from its start to the last of those polls; about the interval when
/// the daemon keeps up, more when it falls behind) and its latest start behind schedule are measured.
///
/// One scheduler task keeps every device's next due time in a heap and starts a child task per poll, so an idle
/// device costs a heap entry, not a waiting task: memory follows the polls in flight, not the size of the city.
public actor PollingLoop {
    /// How often and how many at once.
    public struct Settings: Sendable {
        public var interval: Duration
        public var maxDevicesInFlight: Int
        /// About how many polls start at each step of the spread: the interval is cut into steps of
        /// `interval × startedTogether / devices`, and the devices whose offsets fall in one step start at its beginning.
        /// Never more than `maxDevicesInFlight`: the polls beyond it would only wait in the queue and start late.
        public var startedTogether: Int
        /// Seeds the spread of devices over the interval.
        public var seed: UInt64

        public init(interval: Duration, maxDevicesInFlight: Int, startedTogether: Int = 1, seed: UInt64) {
            self.interval = interval
            self.maxDevicesInFlight = max(1, maxDevicesInFlight)
            self.startedTogether = max(1, min(startedTogether, self.maxDevicesInFlight))
            self.seed = seed
        }
    }

    /// Counts for status and metrics.
    public struct Statistics: Sendable, Hashable {
        public var polls = 0
        public var failures = 0
        public var measurements = 0
        public var varbinds = 0
        public var down: Set<String> = []
        /// The last finished cycle: how long every device took to get one poll attempt, and the latest start.
        public var lastCycleSeconds: Double?
        public var lastCycleMaxLatenessSeconds: Double?
    }

    private let devices: [PolledDevice]
    private let poller: DevicePoller
    private let metrics: PollingMetrics
    private let store: MeasurementStore
    private let settings: Settings
    private let logger: Logger
    private let calculator: RateCalculator
    /// Each device's counters at its last poll, by interface: all a rate needs (kept small: 5,000 devices of 49
    /// interfaces are 245,000 of them).
    private var previous: [String: [String: InterfaceSample]] = [:]
    private var lastSuccess: [String: Date] = [:]
    private let startedAt: Date
    /// Interface problems already logged, by device and interface, so that each is logged when it appears.
    private var loggedProblems: [String: [String: [String]]] = [:]
    /// A hash of the interface states last stored per device: they are written again only when they change.
    private var storedInterfaces: [String: Int] = [:]
    public private(set) var statistics = Statistics()
    /// When each device that is down began its first failed poll.
    private var downSince: [String: Date] = [:]

    public init(
        devices: [PolledDevice], poller: DevicePoller, store: MeasurementStore, settings: Settings, logger: Logger,
        metrics: PollingMetrics = .none, startedAt: Date = Date()
    ) {
        self.devices = devices
        self.metrics = metrics
        metrics.devices.record(devices.count)
        self.startedAt = startedAt
        self.poller = poller
        self.store = store
        self.settings = settings
        self.logger = logger
        calculator = RateCalculator(maximumInterval: settings.interval.inSeconds * 2.5)
    }

    /// Where in the interval each device is polled: a fraction in [0, 1), the same for the same seed.
    public static func offsets(count: Int, seed: UInt64) -> [Double] {
        var state = seed
        return (0..<count).map { _ in
            // SplitMix64
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) / Double(UInt64(1) << 53)
        }
    }

    /// What woke the scheduler: a poll that finished (its due time and start since the loop began), or the time a
    /// device falls due.
    private enum Event: Sendable {
        case polled(PollSchedule.Due, started: Duration, Result<DevicePoll, SNMPError>)
        case timer(Duration)
    }

    /// Polls until the task is cancelled, on `clock` (the continuous clock in the daemon; when each device is due,
    /// what a cycle is and how failures back off are `PollSchedule`'s, tested on their own).
    public func run<C: Clock>(clock: C = ContinuousClock()) async where C.Duration == Duration {
        let start = clock.now
        @Sendable func elapsed() -> Duration { start.duration(to: clock.now) }
        var schedule = PollSchedule(
            intervals: devices.map { $0.interval ?? settings.interval }, cycle: settings.interval,
            offsets: Self.offsets(count: devices.count, seed: settings.seed),
            step: settings.interval * min(1, Double(settings.startedTogether) / Double(max(1, devices.count))))
        await withTaskGroup(of: Event.self) { group in
            var running = 0
            var timer: Duration?
            while !Task.isCancelled {
                let now = elapsed()
                while running < settings.maxDevicesInFlight, let due = schedule.takeDue(at: now) {
                    running += 1
                    let device = devices[due.device]
                    let poller = self.poller
                    group.addTask {
                        let started = elapsed()
                        do throws(SNMPError) { return .polled(due, started: started, .success(try await poller.poll(device))) } catch {
                            return .polled(due, started: started, .failure(error))
                        }
                    }
                }
                if running < settings.maxDevicesInFlight, let next = schedule.nextDue, timer.map({ next < $0 }) ?? true {
                    timer = next
                    group.addTask {
                        try? await clock.sleep(until: start.advanced(by: next), tolerance: nil)
                        return .timer(next)
                    }
                }
                guard let event = await group.next() else { break }
                switch event {
                case .timer(let at):
                    if timer == at { timer = nil }
                    closed(schedule.closeCycles(at: elapsed()))
                case .polled(let due, let started, let result):
                    running -= 1
                    let now = elapsed()
                    let device = devices[due.device]
                    metrics.lateness.recordNanoseconds((started - due.at).nanoseconds)
                    metrics.pollDuration.recordNanoseconds((now - started).nanoseconds)
                    switch result {
                    case .success(let poll):
                        record(poll, of: device)
                    case .failure(let error) where error.code == .cancelled && Task.isCancelled:
                        continue  // stopping or reloading: the poll was abandoned, the device is not down
                    case .failure(let error):
                        statistics.failures += 1
                        metrics.failures.increment()
                        if statistics.down.insert(device.id).inserted {
                            downSince[device.id] = Date().addingTimeInterval(-(now - started).inSeconds)
                            logger.warning("device down", metadata: ["device": "\(device.id)", "error": "\(error.message)"])
                        }
                    }
                    metrics.devicesDown.record(statistics.down.count)
                    let succeeded = if case .success = result { true } else { false }
                    closed(schedule.attempted(due, started: started, at: now, succeeded: succeeded))
                }
            }
            group.cancelAll()
        }
    }

    /// The cycles that closed, into the statistics and metrics.
    private func closed(_ cycles: [PollSchedule.Cycle]) {
        for cycle in cycles {
            statistics.lastCycleSeconds = cycle.length.inSeconds
            statistics.lastCycleMaxLatenessSeconds = cycle.maxLateness.inSeconds
            metrics.cycleSeconds.record(cycle.length.inSeconds)
            metrics.cycleLatenessSeconds.record(cycle.maxLateness.inSeconds)
        }
    }

    private func record(_ devicePoll: DevicePoll, of device: PolledDevice) {
        let poll = devicePoll.interfaces
        statistics.polls += 1
        statistics.varbinds += devicePoll.varbinds
        metrics.polls.increment()
        metrics.varbinds.increment(by: devicePoll.varbinds)
        lastSuccess[device.id] = poll.time
        if statistics.down.remove(device.id) != nil {
            downSince[device.id] = nil
            logger.notice("device up", metadata: ["device": "\(device.id)"])
        }
        defer { previous[device.id] = Dictionary(poll.interfaces.map { ($0.key, $0.sample) }, uniquingKeysWith: { first, _ in first }) }
        var logged = loggedProblems[device.id] ?? [:]
        for reading in poll.interfaces where !reading.problems.isEmpty || !logged.isEmpty {
            guard logged[reading.key] != (reading.problems.isEmpty ? nil : reading.problems) else { continue }
            logged[reading.key] = reading.problems.isEmpty ? nil : reading.problems
            for problem in reading.problems {
                logger.warning(
                    "device answers nonsense", metadata: ["device": "\(device.id)", "interface": "\(reading.key)", "problem": "\(problem)"])
            }
        }
        if logged != loggedProblems[device.id] ?? [:] { loggedProblems[device.id] = logged.isEmpty ? nil : logged }
        let before = previous[device.id] ?? [:]
        let measurements = poll.interfaces.compactMap { reading -> InterfaceMeasurement? in
            guard let earlier = before[reading.key] else { return nil }
            switch calculator.rate(from: earlier, to: reading.sample) {
            case .measured(let inBits, let outBits):
                return InterfaceMeasurement(
                    device: device.id, interface: reading.key, time: poll.time, inBitsPerSecond: inBits, outBitsPerSecond: outBits)
            case .unknown(let reason):
                return InterfaceMeasurement(
                    device: device.id, interface: reading.key, time: poll.time, inBitsPerSecond: nil,
                    outBitsPerSecond: nil, unknownReason: reason.rawValue)
            }
        }
        do {
            let interfaces = poll.interfaces.map(\.status)
            let hash = interfaces.hashValue
            let changed = storedInterfaces[device.id] != hash
            try store.record(
                DeviceObservations(
                    device: device.id, time: poll.time, rates: measurements, interfaces: changed ? interfaces : nil,
                    accessPoints: devicePoll.accessPoints, host: devicePoll.host, stations: devicePoll.stations))
            if changed { storedInterfaces[device.id] = hash }
            statistics.measurements += measurements.count
            metrics.measurements.increment(by: measurements.count)
        } catch {
            logger.error("measurements not stored", metadata: ["device": "\(device.id)", "error": "\(error.message)"])
        }
    }

    /// Devices whose polls fail, and since when; nil until the first cycle is over (before that, a device not in the
    /// list may simply not have been polled yet).
    public func unreachableSince() -> [String: Date]? {
        statistics.lastCycleSeconds == nil ? nil : downSince
    }

    /// Devices whose polls fail now, and since when (known or not complete yet).
    public var currentlyDown: [String: Date] { downSince }

    /// Takes over what the loop this one replaces (after a reload) knew of devices that are down, so that their
    /// outage is not counted from the reload.
    public func adopt(downSince earlier: [String: Date]) {
        let polled = Set(devices.map(\.id))
        for (device, since) in earlier where polled.contains(device) {
            downSince[device] = since
            statistics.down.insert(device)
        }
    }

    /// The loop's report at `now`: devices down (last poll failed) and late (no success for two intervals).
    public func status(at now: Date) -> DaemonStatus {
        let late = devices.filter { device in
            now.timeIntervalSince(lastSuccess[device.id] ?? startedAt) > (device.interval ?? settings.interval).inSeconds * 2
        }.map(\.id)
        var status = DaemonStatus(
            startedAt: startedAt, heartbeatAt: now, pollIntervalSeconds: settings.interval.inSeconds, devicesPolled: devices.count,
            devicesDown: statistics.down.sorted(), devicesLate: late.sorted(), polls: statistics.polls,
            failures: statistics.failures, measurements: statistics.measurements)
        status.lastCycleSeconds = statistics.lastCycleSeconds
        status.lastCycleMaxLatenessSeconds = statistics.lastCycleMaxLatenessSeconds
        return status
    }
}

extension Duration {
    /// The duration as seconds, for arithmetic with `Date` and `TimeInterval`.
    var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
    var nanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
}
