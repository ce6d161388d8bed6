import Capture
import Foundation

/// Every packet check over one stream of frames: the accounting and each detector, fed frame by frame in capture order.
/// A file's analysis and the daemon's live capture run the same monitor.
public struct SecurityMonitor: Sendable {
    public private(set) var context: SecurityContext
    public private(set) var accounting: TrafficAccounting
    /// Frames seen, and those not even an Ethernet header could be read from.
    public private(set) var frames = 0
    public private(set) var undecodable = 0
    private var arp = ARPWatch()
    private var dhcp = RogueDHCP()
    private var scans = ScanDetector()
    private var stations: UnknownStations
    private var domains = BlockedDomains()
    /// Frames of each firing event as `takeChanges` last returned them.
    private var reported: [String: Int] = [:]

    public init(context: SecurityContext) {
        self.context = context
        accounting = TrafficAccounting(subnets: context.subnets)
        stations = UnknownStations(subnets: context.subnets)
    }

    /// The city's known stations changed (a fleet import while the daemon captures): from the next frame on, each
    /// address's MAC is checked against these. What was found before stays found.
    public mutating func replaceKnownStations(_ known: Set<UInt64>?) {
        context.knownStations = known
        stations.forgetChecks(subnets: context.subnets)
    }

    /// Reads one frame: `bytes` as captured, `wireLength` as on the wire, `seconds` since 1970.
    public mutating func observe(_ bytes: UnsafeRawBufferPointer, wireLength: Int, seconds: Double) {
        frames += 1
        guard let decoded = DecodedFrame.decode(bytes, wireLength: wireLength) else {
            undecodable += 1
            accounting.add(
                frameBytes: wireLength, ipBytes: 0, minute: Int((seconds / 60).rounded(.down)), source: nil, sourceSubnet: nil, destination: nil,
                destinationSubnet: nil)
            return
        }
        observe(decoded, seconds: seconds)
    }

    // Inlined: a decoded frame is a few hundred bytes, and copying it into a call was a tenth of the time a frame.
    @inline(__always)
    private mutating func observe(_ frame: borrowing DecodedFrame, seconds: Double) {
        let minute = Int((seconds / 60).rounded(.down))
        let number = frames
        var time: Date { Date(timeIntervalSince1970: seconds) }
        switch frame.ip?.addresses {
        case .v4(let source, let destination)?:
            let sourceSubnet = context.subnets.index(of: source)
            accounting.add(
                frameBytes: frame.wireLength, ipBytes: frame.ip?.length ?? 0, minute: minute, source: source, sourceSubnet: sourceSubnet,
                destination: destination, destinationSubnet: context.subnets.index(of: destination))
            if let sourceSubnet {
                stations.observe(mac: frame.ethernet.source, address: source, subnet: sourceSubnet, frame: number, time: time, context: context)
            }
            if let tcp = frame.tcp {
                scans.observe(tcp, source: source, destination: destination, frame: number, time: time, seconds: seconds, context: context)
            } else if let udp = frame.udp {
                if let message = frame.dhcp {
                    dhcp.observe(message, udp: udp, source: source, ethernet: frame.ethernet, frame: number, time: time, context: context)
                } else if let message = frame.dns {
                    let school = sourceSubnet.map { context.schoolOfSubnet[$0] }
                    domains.observe(message, source: "\(source)", school: school, frame: number, time: time, context: context)
                }
            }
        case .v6(let source, _)?:
            accounting.add(
                frameBytes: frame.wireLength, ipBytes: frame.ip?.length ?? 0, minute: minute, source: nil, sourceSubnet: nil, destination: nil,
                destinationSubnet: nil)
            if let message = frame.dns { domains.observe(message, source: "\(source)", school: nil, frame: number, time: time, context: context) }
        case nil:
            if let message = frame.arp {
                let subnet = context.subnets.index(of: message.senderIP)
                accounting.add(
                    frameBytes: frame.wireLength, ipBytes: 0, minute: minute, source: message.senderIP, sourceSubnet: subnet, destination: nil,
                    destinationSubnet: nil)
                arp.observe(message, ethernet: frame.ethernet, frame: number, time: time, context: context)
                if let subnet {
                    stations.observe(
                        mac: frame.ethernet.source, address: message.senderIP, subnet: subnet, frame: number, time: time, context: context)
                }
            } else {
                accounting.add(
                    frameBytes: frame.wireLength, ipBytes: 0, minute: minute, source: nil, sourceSubnet: nil, destination: nil, destinationSubnet: nil
                )
            }
        }
    }

    /// The events that fire (warning and above) first seen, or seen again, since the last call: what live capture
    /// raises as alerts, about once a second. Repeats of one event come back with their frame count grown.
    public mutating func takeChanges() -> [SecurityEvent] {
        let current = events.filter(\.fires)
        var changed: [SecurityEvent] = []
        for event in current {
            let key = "\(event.kind.rawValue) \(event.address) \(event.mac ?? "") \(event.detail)"
            if reported[key] != event.frames {
                reported[key] = event.frames
                changed.append(event)
            }
        }
        return changed
    }

    /// Every event so far, in the order of the frames that showed them first.
    public var events: [SecurityEvent] {
        // By frame; one frame's events in the detectors' order.
        (arp.log.events + dhcp.log.events + scans.log.events + stations.log.events + domains.log.events).enumerated()
            .sorted { ($0.element.frame, $0.offset) < ($1.element.frame, $1.offset) }.map(\.element)
    }
}
