import Foundation
import Synchronization
import TestSupport
import Testing

@testable import Capture

/// Live capture through libpcap on the loopback interface: frames put on it with `inject` (an EtherType of the IEEE's
/// local experimental range, so that nothing else on the machine sends or answers them) come back whole, filtered,
/// counted, and the reading thread stops when asked.
@Suite("Live capture", .enabled(if: getuid() == 0, "capturing needs root (CAP_NET_RAW); the capture files above cover the decoding"))
struct LiveCaptureTests {
    static let experimental: UInt16 = 0x88B5

    static func frame(_ index: Int, length: Int) -> [UInt8] {
        FrameBytes.ethernet(to: "02:00:00:00:00:02", from: "02:00:00:00:00:01", type: experimental, FrameBytes.be32(UInt32(index)))
            + [UInt8](repeating: UInt8(truncatingIfNeeded: index), count: length - 18)
    }

    @Test(.timeLimit(.minutes(1))) func injectedFramesComeBackFilteredWholeAndCounted() async throws {
        let capture = try LiveCapture(interface: "lo", filter: "ether proto 0x88b5 and ether[14:4] < 1000", snapshot: 128)
        let sender = try LiveCapture(interface: "lo", snapshot: 128)
        let seen = Mutex<[(index: UInt32, wire: Int, captured: Int, last: UInt8)]>([])
        let reports = Mutex<[LiveCapture.Statistics]>([])
        let done = Mutex<Bool>(false)
        Thread {
            _ = try? capture.forEachFrame({ statistics in reports.withLock { $0.append(statistics) } }) { frame in
                let bytes = Array(frame.bytes)
                let index = UInt32(bytes[14]) << 24 | UInt32(bytes[15]) << 16 | UInt32(bytes[16]) << 8 | UInt32(bytes[17])
                seen.withLock { $0.append((index, frame.wireLength, bytes.count, bytes.last ?? 0)) }
            }
            done.withLock { $0 = true }
        }.start()
        try await Task.sleep(for: .milliseconds(300))  // the capture is open before the first frame
        // 200 frames of 64 to 263 bytes; the filter passes those numbered under 1,000; the last 50 are numbered above.
        for index in 0..<200 { try sender.inject(Self.frame(index < 150 ? index : 1_000 + index, length: 64 + index)) }
        try await waitFor("150 frames captured", within: 10) { seen.withLock { $0.count } >= 150 }
        try await Task.sleep(for: .milliseconds(300))
        capture.stop()
        try await waitFor("the capture's thread to end", within: 5) { done.withLock { $0 } }
        let frames = seen.withLock { $0 }
        #expect(frames.map(\.index) == (0..<150).map(UInt32.init), "each frame once, in order, none of those filtered out")
        #expect(frames.allSatisfy { $0.wire == 64 + Int($0.index) && $0.captured == min($0.wire, 128) })
        #expect(frames.filter { $0.wire <= 128 }.allSatisfy { $0.last == UInt8(truncatingIfNeeded: $0.index) }, "frames whole up to the snapshot")
        let last = try #require(reports.withLock { $0.last })
        // On loopback the kernel counts each frame twice, as sent and as received; libpcap hands it over once. Its count
        // also takes in what crossed loopback before the filter was attached (the suite's other traffic): at least.
        #expect(last.received >= 2 * 150 && last.dropped == 0 && last.interfaceDropped == 0, "\(last)")
    }

    @Test func anInterfaceThatDoesNotExistIsNamed() {
        #expect {
            _ = try LiveCapture(interface: "edunet-none0")
        } throws: { error in
            (error as? CaptureError)?.code == .cannotOpen && "\(error)".contains("interface edunet-none0")
        }
    }
}
