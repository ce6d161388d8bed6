import Capture

/// Frames and bytes, counted three ways because tools disagree on which they report: frames; frame bytes, each
/// frame's length on the wire as the capture states it (Ethernet header, VLAN tags, payload and padding, without the
/// 4-byte FCS: what tcpdump and Wireshark show as a frame's length); and IP bytes, the IP packets' own stated lengths
/// (IPv4 total length, IPv6 payload length + 40: what NetFlow and ntopng count). Frames that carry no IP add none.
public struct TrafficCounters: Sendable, Hashable, Codable {
    public var frames = 0
    public var frameBytes = 0
    public var ipBytes = 0

    public init(frames: Int = 0, frameBytes: Int = 0, ipBytes: Int = 0) {
        self.frames = frames
        self.frameBytes = frameBytes
        self.ipBytes = ipBytes
    }

    @inline(__always)
    mutating func add(frameBytes: Int, ipBytes: Int) {
        frames += 1
        self.frameBytes += frameBytes
        self.ipBytes += ipBytes
    }
}

/// Traffic per school subnet and minute, and per host on a school subnet (what it sent and what it received). A frame
/// counts once for each subnet it touches: a frame between two hosts of one subnet counts once there. Memory grows with
/// hosts and minutes, never with frames.
public struct TrafficAccounting: Sendable {
    public struct HostTraffic: Sendable, Hashable, Codable {
        public var sent = TrafficCounters()
        public var received = TrafficCounters()
    }

    public private(set) var total = TrafficCounters()
    /// Frames no school subnet sent or received (IPv6, and traffic between other networks).
    public private(set) var outside = TrafficCounters()
    /// (minute since 1970) << 20 | subnet index → counters.
    private var minutes: [Int: TrafficCounters] = [:]
    public private(set) var hosts: [IPv4Address: HostTraffic] = [:]

    public init() {}

    /// Counts one frame: `source`/`destination` are its IPv4 ends (an ARP message's sender as source), with the subnets
    /// they are in; `ipBytes` zero for a frame without IP.
    @inline(__always)
    mutating func add(
        frameBytes: Int, ipBytes: Int, minute: Int, source: IPv4Address?, sourceSubnet: Int?, destination: IPv4Address?, destinationSubnet: Int?
    ) {
        total.add(frameBytes: frameBytes, ipBytes: ipBytes)
        if sourceSubnet == nil, destinationSubnet == nil {
            outside.add(frameBytes: frameBytes, ipBytes: ipBytes)
            return
        }
        if let subnet = sourceSubnet {
            minutes[minute << 20 | subnet, default: TrafficCounters()].add(frameBytes: frameBytes, ipBytes: ipBytes)
            if let source { hosts[source, default: HostTraffic()].sent.add(frameBytes: frameBytes, ipBytes: ipBytes) }
        }
        if let subnet = destinationSubnet {
            if subnet != sourceSubnet {
                minutes[minute << 20 | subnet, default: TrafficCounters()].add(frameBytes: frameBytes, ipBytes: ipBytes)
            }
            if let destination { hosts[destination, default: HostTraffic()].received.add(frameBytes: frameBytes, ipBytes: ipBytes) }
        }
    }

    /// One subnet's traffic in one minute.
    public struct SubnetMinute: Sendable, Hashable, Codable {
        public var subnet: Int
        /// Minutes since 1970 (UTC).
        public var minute: Int
        public var traffic: TrafficCounters
    }

    /// Every subnet's minutes, by minute then subnet.
    public var subnetMinutes: [SubnetMinute] {
        minutes.map { SubnetMinute(subnet: $0.key & 0xFFFFF, minute: $0.key >> 20, traffic: $0.value) }
            .sorted { ($0.minute, $0.subnet) < ($1.minute, $1.subnet) }
    }
}
