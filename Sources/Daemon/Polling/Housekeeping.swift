import Foundation
import Logging
import Model
import Monitor
import Store

/// What the daemon does beside polling, once an interval: writes the loop's status for `edunet status`, rolls up
/// the five-minute spans that have settled, deletes the rolled-up rates of interfaces kept at five-minute resolution
/// only, and hands freed memory back to the system; once an hour it deletes rates older than the retention and
/// roll-ups older than `rollupRetentionDays`. Time comes in as a parameter, so each step is tested exactly.
public struct Housekeeping: Sendable {
    public let store: MeasurementStore
    public let statusStore: DaemonStatusStore
    public let pollInterval: Duration
    public let retentionDays: Int
    public var rollupRetentionDays = 400
    let logger: Logger

    public init(store: MeasurementStore, statusStore: DaemonStatusStore, pollInterval: Duration, retentionDays: Int, logger: Logger) {
        self.store = store
        self.statusStore = statusStore
        self.pollInterval = pollInterval
        self.retentionDays = retentionDays
        self.logger = logger
    }

    /// What one step did, for tests and the log.
    public struct Outcome: Sendable, Equatable {
        /// Roll-ups are complete through this time.
        public var rolledUpThrough: Date
        /// Rates deleted, when the hourly prune ran.
        public var pruned: Int?
        /// Rates of interfaces kept at five-minute resolution deleted once rolled up, when any span was new.
        public var rolledUpRatesDeleted: Int?
    }

    /// What housekeeping remembers between steps.
    public struct State: Sendable {
        /// When the hourly prune last ran.
        public var lastPrune = Date.distantPast
        /// Rates of five-minute-only interfaces are deleted through here.
        public var ratesDeletedThrough = Date.distantPast

        public init() {}
    }

    /// The latest time whose five-minute span may be rolled up at `now`: two poll intervals and a minute back, so
    /// that the polls still in flight when a span ends, whose rates are stamped inside it, have landed first.
    public func settled(at now: Date) -> Date { now.addingTimeInterval(-2 * (pollInterval / .seconds(1)) - 60) }

    /// One step at `now`; `fullResolution` names the interfaces whose rates are kept (nil: all). The hourly prune
    /// runs when the last was an hour or more before `now`. A failing part is logged and tried again next step; the
    /// others still run.
    public func step(at now: Date, loop: PollingLoop?, fullResolution: Set<LinkEnd>?, state: inout State) async -> Outcome {
        if let loop {
            do { try statusStore.write(await loop.status(at: now)) } catch { logger.error("\(error.message)") }
        }
        var outcome = Outcome(rolledUpThrough: settled(at: now), pruned: nil)
        do {
            try store.rollUp(through: outcome.rolledUpThrough)
            // What the roll-up covers: every five minutes that ended by the settled time.
            let covered = Date(
                timeIntervalSince1970: (outcome.rolledUpThrough.timeIntervalSince1970 / MeasurementStore.rollupSeconds).rounded(.down)
                    * MeasurementStore.rollupSeconds)
            if let keep = fullResolution, covered > state.ratesDeletedThrough {
                outcome.rolledUpRatesDeleted = try store.pruneRates(except: keep, through: covered)
                state.ratesDeletedThrough = covered
            }
        } catch {
            logger.error("\(error.message)")
        }
        if now.timeIntervalSince(state.lastPrune) >= 3600 {
            state.lastPrune = now
            do {
                let removed = try store.prune(olderThan: now.addingTimeInterval(-Double(retentionDays) * 86_400))
                try store.pruneRollups(olderThan: now.addingTimeInterval(-Double(rollupRetentionDays) * 86_400))
                if removed > 0 { logger.info("old rates removed", metadata: ["rows": "\(removed)", "retention_days": "\(retentionDays)"]) }
                outcome.pruned = removed
            } catch {
                logger.error("\(error.message)")
            }
        }
        Self.returnFreedMemory()
        return outcome
    }

    /// A step every poll interval on `clock`, until cancelled; `now` gives the wall time the step stamps.
    public func run<C: Clock>(clock: C, now: @Sendable () -> Date, current: @Sendable () -> (PollingLoop?, Set<LinkEnd>?)) async
    where C.Duration == Duration {
        var state = State()
        while !Task.isCancelled {
            let (loop, fullResolution) = current()
            _ = await step(at: now(), loop: loop, fullResolution: fullResolution, state: &state)
            try? await clock.sleep(for: pollInterval)
        }
    }

    /// A poll's answers are many small short-lived allocations, and glibc keeps freed memory for reuse unless
    /// asked to give it back (`malloc_trim`, which Swift's Glibc module does not export: looked up at run time).
    static func returnFreedMemory() {
        #if canImport(Glibc)
            typealias MallocTrim = @convention(c) (Int) -> Int32
            if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") {
                _ = unsafeBitCast(symbol, to: MallocTrim.self)(0)
            }
        #endif
    }
}
