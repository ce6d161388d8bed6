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
        frames &+= 1
        self.frameBytes &+= frameBytes
        self.ipBytes &+= ipBytes
    }
}

/// Traffic per school subnet and minute, and per host on a school subnet (what it sent and what it received). A frame
/// counts once for each subnet it touches: a frame between two hosts of one subnet counts once there. Memory grows with
/// the school subnets' addresses and the minutes, never with frames; a frame reaches its counters without hashing.
public struct TrafficAccounting: Sendable {
    public struct HostTraffic: Sendable, Hashable, Codable {
        public var sent = TrafficCounters()
        public var received = TrafficCounters()
    }

    /// One subnet's traffic in one minute.
    public struct SubnetMinute: Sendable, Hashable, Codable {
        public var subnet: Int
        /// Minutes since 1970 (UTC).
        public var minute: Int
        public var traffic: TrafficCounters
    }

    public private(set) var total = TrafficCounters()
    /// Frames no school subnet sent or received (IPv6, and traffic between other networks).
    public private(set) var outside = TrafficCounters()
    /// Each subnet's minute under way, and the minutes before it.
    private var current: [SubnetMinute]
    private var finished: [SubnetMinute] = []
    private var hostSlots: AddressSlots<HostTraffic>
    /// Hosts of subnets too large for slots.
    private var largeSubnetHosts: [IPv4Address: HostTraffic] = [:]

    init(subnets: SubnetTable) {
        current = subnets.networks.indices.map { SubnetMinute(subnet: $0, minute: Int.min, traffic: TrafficCounters()) }
        hostSlots = AddressSlots(subnets, initial: HostTraffic())
    }

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
            addToMinute(subnet, minute, frameBytes: frameBytes, ipBytes: ipBytes)
            if let source { addToHost(source, subnet, sent: true, frameBytes: frameBytes, ipBytes: ipBytes) }
        }
        if let subnet = destinationSubnet {
            if subnet != sourceSubnet { addToMinute(subnet, minute, frameBytes: frameBytes, ipBytes: ipBytes) }
            if let destination { addToHost(destination, subnet, sent: false, frameBytes: frameBytes, ipBytes: ipBytes) }
        }
    }

    @inline(__always)
    private mutating func addToMinute(_ subnet: Int, _ minute: Int, frameBytes: Int, ipBytes: Int) {
        // Frames come in time order, near enough: a frame of a minute already closed counts in the one under way.
        if current[subnet].minute < minute {
            if current[subnet].traffic.frames > 0 { finished.append(current[subnet]) }
            current[subnet] = SubnetMinute(subnet: subnet, minute: minute, traffic: TrafficCounters())
        }
        current[subnet].traffic.add(frameBytes: frameBytes, ipBytes: ipBytes)
    }

    @inline(__always)
    private mutating func addToHost(_ address: IPv4Address, _ subnet: Int, sent: Bool, frameBytes: Int, ipBytes: Int) {
        if let slot = hostSlots.slot(address, in: subnet) {
            if sent {
                hostSlots[slot].sent.add(frameBytes: frameBytes, ipBytes: ipBytes)
            } else {
                hostSlots[slot].received.add(frameBytes: frameBytes, ipBytes: ipBytes)
            }
        } else if sent {
            largeSubnetHosts[address, default: HostTraffic()].sent.add(frameBytes: frameBytes, ipBytes: ipBytes)
        } else {
            largeSubnetHosts[address, default: HostTraffic()].received.add(frameBytes: frameBytes, ipBytes: ipBytes)
        }
    }

    /// Every host that sent or received a frame.
    public var hosts: [IPv4Address: HostTraffic] {
        var hosts = largeSubnetHosts
        hostSlots.eachAllocated { address, traffic in
            if traffic.sent.frames > 0 || traffic.received.frames > 0 { hosts[address] = traffic }
        }
        return hosts
    }

    /// Every subnet's minutes, by minute then subnet.
    public var subnetMinutes: [SubnetMinute] {
        (finished + current.filter { $0.traffic.frames > 0 }).sorted { ($0.minute, $0.subnet) < ($1.minute, $1.subnet) }
    }
}
