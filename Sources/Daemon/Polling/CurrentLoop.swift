import Foundation
import Monitor
import Synchronization

/// The polling loop in force and the task running it: the polling service swaps them on a reload, and alerting asks
/// the loop what is down.
public final class CurrentLoop: Sendable {
    public init() {}

    let running = Mutex<(loop: PollingLoop, task: Task<Void, Never>)?>(nil)

    public func unreachableSince() async -> [String: Date]? {
        guard let loop = running.withLock({ $0?.loop }) else { return nil }
        return await loop.unreachableSince()
    }
}
