import Foundation

/// What `edunetd` last reported about itself, for `edunet status`: whether it is alive and how the devices fare.
public struct DaemonStatus: Sendable, Hashable, Codable {
    public var startedAt: Date
    /// Written every poll interval; older than two intervals means the daemon is not running.
    public var heartbeatAt: Date
    public var pollIntervalSeconds: Double
    public var devicesPolled: Int
    /// Devices whose last poll failed.
    public var devicesDown: [String]
    /// Devices with no successful poll for more than two intervals (down ones included).
    public var devicesLate: [String]
    public var polls: Int
    public var failures: Int
    public var measurements: Int
    /// Set when the daemon stopped cleanly.
    public var stoppedAt: Date?
    /// How long the last full cycle took (every device one poll attempt), and its latest poll start.
    public var lastCycleSeconds: Double?
    public var lastCycleMaxLatenessSeconds: Double?

    public init(
        startedAt: Date, heartbeatAt: Date, pollIntervalSeconds: Double, devicesPolled: Int, devicesDown: [String],
        devicesLate: [String], polls: Int, failures: Int, measurements: Int
    ) {
        self.startedAt = startedAt
        self.heartbeatAt = heartbeatAt
        self.pollIntervalSeconds = pollIntervalSeconds
        self.devicesPolled = devicesPolled
        self.devicesDown = devicesDown
        self.devicesLate = devicesLate
        self.polls = polls
        self.failures = failures
        self.measurements = measurements
    }

    /// Alive when it has not stopped and the last heartbeat is at most two intervals (and five seconds) old.
    public func isRunning(at now: Date) -> Bool {
        stoppedAt == nil && now.timeIntervalSince(heartbeatAt) <= pollIntervalSeconds * 2 + 5
    }
}
