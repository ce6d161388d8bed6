import Capture
import Foundation

/// What one capture file holds for the security checks: its traffic per school subnet, minute and host, and the
/// detectors' events. `edunet capture analyze` prints it; its JSON form is the document scripts read.
public struct CaptureAnalysis: Sendable, Codable {
    public struct Subnet: Sendable, Codable, Hashable {
        public var network: String
        public var school: String
    }

    public struct Host: Sendable, Codable, Hashable {
        public var address: String
        public var school: String
        public var sent: TrafficCounters
        public var received: TrafficCounters
    }

    public struct Minute: Sendable, Codable, Hashable {
        /// The minute's start (UTC).
        public var start: Date
        public var network: String
        public var school: String
        public var traffic: TrafficCounters
    }

    public var file: String
    public var frames: Int
    public var undecodable: Int
    public var first: Date?
    public var last: Date?
    public var total: TrafficCounters
    public var outside: TrafficCounters
    public var minutes: [Minute]
    /// Hosts on school subnets, most frame bytes (sent and received) first.
    public var hosts: [Host]
    public var events: [SecurityEvent]
    /// Whether the unknown-station check ran (it needs the register of known stations).
    public var unknownStationCheck: Bool

    /// True when a detector found something of warning severity or more: `capture analyze` then exits 1.
    public var fires: Bool { events.contains(where: \.fires) }

    /// Reads `path` (a BPF `filter` as tcpdump takes it, if given) through `context`'s checks; `school` keeps only that
    /// school's subnets in the accounting and the events about its hosts.
    public static func analyze(path: String, filter: String? = nil, context: SecurityContext, school: String? = nil) throws(CaptureError)
        -> CaptureAnalysis
    {
        let file = try CaptureFile(path: path, filter: filter)
        var monitor = SecurityMonitor(context: context)
        var first: Double?
        var last = 0.0
        do {
            try file.forEachFrame { frame in
                let seconds = frame.time.timeIntervalSince1970
                if first == nil { first = seconds }
                last = seconds
                monitor.observe(frame.bytes, wireLength: frame.wireLength, seconds: seconds)
            }
        } catch let error as CaptureError {
            throw error
        } catch {
            throw CaptureError(.readFailed, "\(path): \(error)")
        }
        return CaptureAnalysis(monitor: monitor, file: path, first: first, last: first == nil ? nil : last, school: school)
    }

    init(monitor: SecurityMonitor, file: String, first: Double?, last: Double?, school: String?) {
        let context = monitor.context
        let networks = context.subnets.networks
        func keep(_ owner: String?) -> Bool { school == nil || owner == school }
        self.file = file
        frames = monitor.frames
        undecodable = monitor.undecodable
        self.first = first.map(Date.init(timeIntervalSince1970:))
        self.last = last.map(Date.init(timeIntervalSince1970:))
        total = monitor.accounting.total
        outside = monitor.accounting.outside
        minutes = monitor.accounting.subnetMinutes.filter { keep(context.schoolOfSubnet[$0.subnet]) }.map {
            Minute(
                start: Date(timeIntervalSince1970: Double($0.minute) * 60), network: "\(networks[$0.subnet])",
                school: context.schoolOfSubnet[$0.subnet], traffic: $0.traffic)
        }
        hosts = monitor.accounting.hosts.compactMap { address, traffic in
            guard let owner = context.school(of: address), keep(owner) else { return nil }
            return Host(address: "\(address)", school: owner, sent: traffic.sent, received: traffic.received)
        }.sorted {
            ($0.sent.frameBytes + $0.received.frameBytes, $1.address) > ($1.sent.frameBytes + $1.received.frameBytes, $0.address)
        }
        events = monitor.events.filter { keep($0.school) }
        unknownStationCheck = context.knownStations != nil
    }
}
