import Foundation
import Model
import Monitor
import Synchronization

/// The polling loop in force and the task running it: the polling service swaps them on a reload, and alerting asks
/// the loop what is down.
public final class CurrentLoop: Sendable {
    public init() {}

    let running = Mutex<(loop: PollingLoop, task: Task<Void, Never>)?>(nil)
    /// The interfaces the configuration in force keeps at poll resolution (nil: all of them).
    let fullResolution = Mutex<Set<LinkEnd>?>(nil)

    /// The loop in force; nil before the first starts.
    public var loop: PollingLoop? { running.withLock { $0?.loop } }

    /// Cancels the loop in force.
    public func stop() { running.withLock { $0?.task.cancel() } }

    public func unreachableSince() async -> [String: Date]? {
        await loop?.unreachableSince() ?? nil
    }
}
