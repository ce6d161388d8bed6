import Foundation
import TestSupport
import Testing

@testable import Capture

/// Capture files through libpcap: files the tests write (classic pcap, byte by byte), read back frame for frame, with
/// filters and with damage; and tcpdump's own test captures where `../shared` has them.
@Suite("Capture files")
struct CaptureFileTests {
    @Test func readsEveryFrameWithItsTimeAndLengths() throws {
        let path = try FrameBytes.write(FrameBytes.pcap(DecodedFrameTests.samples, snapshot: 200))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var seen: [(Date, Int, DecodedFrame?)] = []
        let count = try CaptureFile(path: path).forEachFrame { frame in
            seen.append((frame.time, frame.wireLength, DecodedFrame.decode(frame.bytes, wireLength: frame.wireLength)))
        }
        #expect(count == 4 && seen.count == 4)
        #expect(seen.map(\.0.timeIntervalSince1970) == [1_764_806_400.25, 1_764_806_401.25, 1_764_806_402.25, 1_764_806_403.25])
        #expect(seen.map(\.1) == DecodedFrameTests.samples.map(\.count), "the length on the wire, not the snapshot")
        #expect(seen[0].2?.arp != nil && seen[2].2?.dns?.questions.first?.name == "a.b.example.org" && seen[3].2?.tcp?.isSYN == true)
        // The DHCP frame (292 bytes) was cut at 200: its IP and UDP headers are read, its BOOTP message is not.
        #expect(seen[1].2?.udp?.sourcePort == 67 && seen[1].2?.dhcp == nil && seen[1].2?.ip?.length == 278)
    }

    @Test func aFilterKeepsWhatItMatches() throws {
        let path = try FrameBytes.write(FrameBytes.pcap(DecodedFrameTests.samples))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var ports: [UInt16] = []
        try CaptureFile(path: path, filter: "udp").forEachFrame { frame in
            ports.append(DecodedFrame.decode(frame.bytes)?.udp?.destinationPort ?? 0)
        }
        #expect(ports == [68, 53])
        #expect(try CaptureFile(path: path, filter: "vlan and arp").forEachFrame { _ in } == 1)
        #expect(throws: CaptureError.self) { try CaptureFile(path: path, filter: "udp prot 53") }
    }

    @Test func damagedOrForeignFilesSayWhatIsWrong() throws {
        var cut = FrameBytes.pcap(DecodedFrameTests.samples)
        cut.removeLast(10)
        let path = try FrameBytes.write(cut)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var read = 0
        let error = #expect(throws: CaptureError.self) { try CaptureFile(path: path).forEachFrame { _ in read += 1 } }
        #expect(read == 3 && error?.code == .readFailed && error?.message.contains("after 3 frames") == true, "\(String(describing: error))")

        let text = try FrameBytes.write(Array("not a capture\n".utf8))
        defer { try? FileManager.default.removeItem(atPath: text) }
        let opened = #expect(throws: CaptureError.self) { try CaptureFile(path: text) }
        #expect(opened?.code == .cannotOpen && opened?.message.hasPrefix(text) == true)
    }

    static let shared = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../shared/pcaps/tcpdump")
        .standardized.path

    /// tcpdump's regression captures: a malformed ARP (arp-oobr), DHCP with relay and lease-query options, DNS. The
    /// decoders read every frame without a crash, and the DHCP and DNS of each are found.
    @Test(
        .enabled(if: FileManager.default.fileExists(atPath: shared), "../shared/pcaps is not here; the generated captures above cover the decoders"))
    func tcpdumpCapturesDecode() throws {
        for (name, check) in [
            ("arp-oobr.pcap", { (frames: [DecodedFrame]) in frames.contains { $0.ethernet.etherType == EthernetHeader.arp } }),
            ("dhcp-rfc3004.pcap", { $0.contains { $0.dhcp != nil } }),
            ("dhcp-rfc4388.pcap", { $0.contains { $0.dhcp?.messageType.map { (10...13).contains($0) } == true } }),
            ("dns_udp.pcap", { $0.contains { $0.dns?.questions.isEmpty == false } }),
        ] as [(String, ([DecodedFrame]) -> Bool)] {
            let path = Self.shared + "/" + name
            guard FileManager.default.fileExists(atPath: path) else { continue }
            var frames: [DecodedFrame] = []
            let count = try CaptureFile(path: path).forEachFrame { frame in
                if let decoded = DecodedFrame.decode(frame.bytes, wireLength: frame.wireLength) { frames.append(decoded) }
            }
            #expect(count > 0 && check(frames), "\(name): \(count) frames")
        }
    }
}
