import BenchSupport
import Foundation
import TestSupport
import Testing

@testable import Capture

/// The decoders on frames written byte by byte: every field a detector or the accounting reads, exactly; and on
/// truncated, malformed and mutated frames, nothing read outside the frame and no crash.
@Suite("Frame decoding")
struct DecodedFrameTests {
    func decode(_ bytes: [UInt8], wireLength: Int? = nil) -> DecodedFrame? {
        bytes.withUnsafeBytes { DecodedFrame.decode($0, wireLength: wireLength) }
    }

    @Test func arpReplyOnAQinQFrame() throws {
        let arp = FrameBytes.arp(
            operation: 2, senderMAC: "00:1a:2b:3c:4d:5e", senderIP: "10.20.0.1", targetMAC: "00:0c:29:aa:bb:cc", targetIP: "10.20.0.77")
        let bytes = FrameBytes.ethernet(
            to: "00:0c:29:aa:bb:cc", from: "00:1a:2b:3c:4d:5f", tags: [(0x88A8, 0x2064), (0x8100, 20)], type: 0x0806, arp)
        let frame = try #require(decode(bytes))
        #expect(frame.ethernet.source.description == "00:1a:2b:3c:4d:5f" && frame.ethernet.destination == MACAddress("00:0c:29:aa:bb:cc"))
        #expect(frame.ethernet.outerVLAN == 100 && frame.ethernet.innerVLAN == 20, "the priority bits are not the VLAN")
        #expect(frame.ethernet.etherType == EthernetHeader.arp && frame.ethernet.payloadOffset == 22 && frame.wireLength == bytes.count)
        let message = try #require(frame.arp)
        #expect(message.operation == ARPMessage.reply && message.senderMAC == MACAddress("00:1a:2b:3c:4d:5e"))
        #expect(message.senderIP == IPv4Address("10.20.0.1") && message.targetIP.description == "10.20.0.77" && !message.isGratuitous)
        #expect(frame.ip == nil && frame.udp == nil)
    }

    @Test func dhcpOfferWithServerIdentifierAndRelayInformation() throws {
        let dhcp = FrameBytes.dhcp(
            op: 2, xid: 0xDEAD_BEEF, yiaddr: "10.20.1.50", giaddr: "10.20.1.1", client: "00:0c:29:aa:bb:cc",
            options: [(53, [2]), (54, FrameBytes.ipv4("10.20.0.5")), (82, [1, 3, 0x41, 0x42, 0x43]), (51, FrameBytes.be32(86400))])
        let bytes = FrameBytes.ethernet(
            from: "00:1a:2b:3c:4d:5e", type: 0x0800,
            FrameBytes.ipv4(from: "10.20.0.5", to: "255.255.255.255", protocol: 17, FrameBytes.udp(from: 67, to: 68, dhcp)))
        let frame = try #require(decode(bytes))
        #expect(frame.ip?.addresses == .v4(source: IPv4Address("10.20.0.5")!, destination: IPv4Address("255.255.255.255")!))
        #expect(frame.ip?.length == 20 + 8 + dhcp.count, "the IP bytes: the header's total length")
        #expect(frame.udp?.sourcePort == 67 && frame.udp?.destinationPort == 68)
        let message = try #require(frame.dhcp)
        #expect(message.op == DHCPMessage.bootReply && message.transactionID == 0xDEAD_BEEF && message.messageType == 2)
        #expect(message.serverIdentifier == IPv4Address("10.20.0.5") && message.yourAddress == IPv4Address("10.20.1.50"))
        #expect(message.relayAddress == IPv4Address("10.20.1.1") && message.hasRelayAgentInformation)
        #expect(message.clientMAC == MACAddress("00:0c:29:aa:bb:cc"))
        #expect(frame.dns == nil)
    }

    @Test func dnsQueriesWithCompressionAndEscapes() throws {
        let query = FrameBytes.dnsQuery(id: 7, name: "Game.Example.COM")
        let bytes = FrameBytes.ethernet(
            from: "00:1a:2b:3c:4d:5e", type: 0x0800,
            FrameBytes.ipv4(from: "10.20.1.50", to: "10.20.0.53", protocol: 17, FrameBytes.udp(from: 50000, to: 53, query)))
        let message = try #require(decode(bytes)?.dns)
        #expect(message.id == 7 && !message.isResponse && message.questions == [DNSMessage.Question(name: "Game.Example.COM", type: 1)])

        // A second question compressed to the first's "example.com" (offset 17), and a label with a dot and a space.
        var two = FrameBytes.be16(8) + FrameBytes.be16(0x0100) + FrameBytes.be16(2) + [UInt8](repeating: 0, count: 6)
        two += FrameBytes.labels("www.example.com") + FrameBytes.be16(1) + FrameBytes.be16(1)
        two += [3] + Array("cdn".utf8) + [0xC0, 16] + FrameBytes.be16(28) + FrameBytes.be16(1)
        two += [3, UInt8(ascii: "a"), UInt8(ascii: "."), 0x20, 0] + FrameBytes.be16(1) + FrameBytes.be16(1)
        let names = two.withUnsafeBytes { DNSMessage.decode(ByteView($0)) }?.questions
        #expect(names == [.init(name: "www.example.com", type: 1), .init(name: "cdn.example.com", type: 28)], "at most the two asked")
        two[5] = 3
        let escaped = two.withUnsafeBytes { DNSMessage.decode(ByteView($0)) }?.questions.last?.name
        #expect(escaped == "a\\046\\032")
    }

    @Test func dnsPointerLoopsAndOverlongNamesEnd() {
        // A name that points at itself, and two that point at each other.
        for bytes: [UInt8] in [
            FrameBytes.be16(1) + FrameBytes.be16(0x0100) + FrameBytes.be16(1) + [0, 0, 0, 0, 0, 0] + [0xC0, 12],
            FrameBytes.be16(1) + FrameBytes.be16(0x0100) + FrameBytes.be16(1) + [0, 0, 0, 0, 0, 0] + [1, 0x61, 0xC0, 16, 1, 0x62, 0xC0, 12],
        ] {
            let message = bytes.withUnsafeBytes { DNSMessage.decode(ByteView($0)) }
            #expect(message != nil && message?.questions.isEmpty == true)
        }
        let long = (0..<5).map { _ in String(repeating: "x", count: 63) }.joined(separator: ".")
        let query = FrameBytes.dnsQuery(id: 1, name: long)
        #expect(query.withUnsafeBytes { DNSMessage.decode(ByteView($0)) }?.questions.isEmpty == true, "over 255 bytes")
    }

    @Test func ipv6ThroughExtensionHeadersToTCP() throws {
        let source: [UInt8] = [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [1]
        let destination: [UInt8] = [0xfe, 0x80] + [UInt8](repeating: 0, count: 6) + [0x02, 0x0c, 0x29, 0xff, 0xfe, 0xaa, 0xbb, 0xcc]
        // Hop-by-hop (8 bytes), then a first fragment (offset 0), then TCP.
        let hopByHop: [UInt8] = [44, 0, 5, 2, 0, 0, 1, 0]
        let fragment: [UInt8] = [6, 0, 0, 1, 0, 0, 0, 9]
        let segment = FrameBytes.tcp(from: 40000, to: 22, flags: TCPHeader.syn)
        let bytes = FrameBytes.ethernet(
            from: "00:1a:2b:3c:4d:5e", type: 0x86DD,
            FrameBytes.ipv6(nextHeader: 0, source: source, destination: destination, hopByHop + fragment + segment))
        let frame = try #require(decode(bytes))
        guard case .v6(let from, let to)? = frame.ip?.addresses else {
            Issue.record("not IPv6: \(String(describing: frame.ip))")
            return
        }
        #expect(from.description == "2001:db8::1" && to.description == "fe80::20c:29ff:feaa:bbcc")
        #expect(frame.ip?.transport == IPHeader.tcp && frame.ip?.length == 40 + 16 + 20)
        #expect(frame.tcp?.sourcePort == 40000 && frame.tcp?.destinationPort == 22 && frame.tcp?.isSYN == true)
    }

    @Test func aLaterFragmentHasNoTransport() throws {
        let bytes = FrameBytes.ethernet(
            from: "00:1a:2b:3c:4d:5e", type: 0x0800,
            FrameBytes.ipv4(from: "10.0.0.1", to: "10.0.0.2", protocol: 17, fragmentOffset: 185, FrameBytes.udp(from: 53, to: 53, [1, 2, 3])))
        let frame = try #require(decode(bytes))
        #expect(frame.ip != nil && frame.ip?.transportOffset == nil && frame.udp == nil && frame.dns == nil)
    }

    /// Every prefix of every sample frame decodes to what it holds and no more: a layer is there exactly when its
    /// bytes are, and nothing reads past the end.
    @Test func everyTruncationDecodesWhatIsThereAndNoMore() {
        let (arp, dhcp, dns, tcp) = (Self.samples[0], Self.samples[1], Self.samples[2], Self.samples[3])
        // Where each layer's last byte needed is: Ethernet 14 (18 tagged), IPv4 20, UDP 8, BOOTP to its cookie 240.
        let layers: [(frame: [UInt8], name: String, needs: Int, present: (DecodedFrame) -> Bool)] = [
            (arp, "ARP", 18 + 28, { $0.arp != nil }),
            (dhcp, "IPv4", 14 + 20, { $0.ip != nil }),
            (dhcp, "UDP", 14 + 28, { $0.udp != nil }),
            (dhcp, "DHCP", 14 + 28 + 240, { $0.dhcp != nil }),
            (dhcp, "option 54", 14 + 28 + 240 + 3 + 6, { $0.dhcp?.serverIdentifier != nil }),
            (dns, "DNS header", 14 + 28 + 6, { $0.dns != nil }),
            (dns, "its question", dns.count, { $0.dns?.questions.first?.name == "a.b.example.org" }),
            (tcp, "TCP", 14 + 20 + 14, { $0.tcp?.isSYN == true }),
        ]
        for (bytes, name, needs, present) in layers {
            let ethernet = bytes[12] == 0x81 ? 18 : 14  // a frame cut inside its VLAN tag has no Ethernet header
            for length in 0...bytes.count {
                let frame = Array(bytes[..<length]).withUnsafeBytes { DecodedFrame.decode($0, wireLength: bytes.count) }
                #expect((frame != nil) == (length >= ethernet), "\(length) bytes")
                #expect(frame.map(present) ?? false == (length >= needs), "\(name) in \(length) of \(bytes.count) bytes")
                #expect(frame == nil || frame?.wireLength == bytes.count)
            }
        }
    }

    /// Sample frames with bytes changed at random (a seeded generator: the same frames each run): none crashes the
    /// decoders, whatever their lengths and pointers claim.
    @Test func mutatedFramesNeverCrash() {
        var random = SplitMix64(seed: 0x5EED)
        var decoded = 0
        for _ in 0..<20_000 {
            var bytes = Self.samples[Int(random.next() % UInt64(Self.samples.count))]
            for _ in 0..<(1 + random.next() % 8) { bytes[Int(random.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: random.next()) }
            if random.next() % 4 == 0 { bytes.removeLast(Int(random.next() % UInt64(bytes.count))) }
            if decode(bytes) != nil { decoded += 1 }
        }
        #expect(decoded > 10_000, "most mutated frames keep an Ethernet header")
    }

    /// libFuzzer, coverage-guided and under AddressSanitizer, on the decoders for a bounded time
    /// (`EDUNET_FUZZ_SECONDS`, default 20), starting from the sample frames: it must find no crash, overread or hang.
    @Test(.timeLimit(.minutes(5))) func libFuzzerFindsNothing() async throws {
        let seeds = FileManager.default.temporaryDirectory.appendingPathComponent("edunet-fuzz-seeds-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: seeds, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: seeds) }
        for (index, frame) in Self.samples.enumerated() { try Data(frame).write(to: seeds.appendingPathComponent("sample-\(index)")) }
        let seconds = ProcessInfo.processInfo.environment["EDUNET_FUZZ_SECONDS"] ?? "20"
        let run = try await TestProcess.run("bash '\(TestAgents.root.path)/scripts/fuzz-capture.sh' \(seconds) '\(seeds.path)'")
        #expect(run.status == 0, "\(run.output)")
        let executed = run.output.split(separator: "\n").first { $0.hasPrefix("stat::number_of_executed_units:") }
        let units = executed.flatMap { Int($0.split(separator: ":").last!.trimmingCharacters(in: .whitespaces)) } ?? 0
        #expect(units > 10_000, "libFuzzer ran \(units) inputs: \(run.output)")
    }

    static let samples: [[UInt8]] = [
        FrameBytes.ethernet(
            from: "00:1a:2b:3c:4d:5e", tags: [(0x8100, 10)], type: 0x0806,
            FrameBytes.arp(operation: 1, senderMAC: "00:1a:2b:3c:4d:5e", senderIP: "10.0.0.1", targetMAC: "00:00:00:00:00:00", targetIP: "10.0.0.1")),
        FrameBytes.ethernet(
            from: "00:1a:2b:3c:4d:5e", type: 0x0800,
            FrameBytes.ipv4(
                from: "10.0.0.5", to: "10.0.0.255", protocol: 17,
                FrameBytes.udp(
                    from: 67, to: 68, FrameBytes.dhcp(op: 2, xid: 1, client: "00:0c:29:aa:bb:cc", options: [(53, [5]), (54, [10, 0, 0, 5])])))),
        FrameBytes.ethernet(
            from: "00:1a:2b:3c:4d:5e", type: 0x0800,
            FrameBytes.ipv4(
                from: "10.0.0.9", to: "10.0.0.53", protocol: 17,
                FrameBytes.udp(from: 5353, to: 53, FrameBytes.dnsQuery(id: 3, name: "a.b.example.org")))),
        FrameBytes.ethernet(
            from: "00:1a:2b:3c:4d:5e", type: 0x0800,
            FrameBytes.ipv4(from: "10.0.0.9", to: "10.0.0.10", protocol: 6, FrameBytes.tcp(from: 1, to: 80, flags: 2))),
    ]
}
