internal import CPcap
import Foundation
import Synchronization

/// Live capture on a network interface (a school's mirror port) through libpcap: promiscuous, a snapshot of each
/// frame's first bytes, a kernel buffer sized for bursts, an optional BPF filter, and libpcap's drop counters. One
/// thread reads (`forEachFrame` blocks until `stop`, and reads libpcap's counters itself); `stop` may be called from
/// any thread.
public final class LiveCapture: @unchecked Sendable {
    // @unchecked: `handle` is used by the capturing thread only, but for pcap_breakloop, which libpcap documents as
    // safe to call from another thread.
    private let handle: OpaquePointer
    public let interface: String
    private let stopped = Atomic<Bool>(false)

    /// What libpcap reports of the capture so far.
    public struct Statistics: Sendable, Hashable {
        /// Frames the kernel passed the filter (libpcap's ps_recv).
        public var received: UInt64
        /// Frames dropped because the buffer was full: the reader fell behind (ps_drop).
        public var dropped: UInt64
        /// Frames the interface or its driver dropped (ps_ifdrop).
        public var interfaceDropped: UInt64
    }

    /// Opens `interface`; `snapshot` bytes of each frame are kept (whole Ethernet frames by default, VLAN tags included),
    /// `bufferBytes` is the kernel's ring for bursts.
    public init(interface: String, filter: String? = nil, snapshot: Int = 1600, bufferBytes: Int = 32 << 20, promiscuous: Bool = true)
        throws(CaptureError)
    {
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        guard let handle = pcap_create(interface, &errorBuffer) else {
            let reason = errorBuffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw CaptureError(.cannotOpen, "interface \(interface): \(reason); name an interface `ip link` lists")
        }
        do throws(CaptureError) {
            pcap_set_snaplen(handle, Int32(snapshot))
            pcap_set_promisc(handle, promiscuous ? 1 : 0)
            pcap_set_buffer_size(handle, Int32(clamping: bufferBytes))
            // Frames are handed over in batches; the timeout bounds how long one waits, so that `stop` is seen.
            pcap_set_timeout(handle, 100)
            let status = pcap_activate(handle)
            if status < 0 {
                let reason = String(cString: pcap_statustostr(status))
                let detail = String(cString: pcap_geterr(handle))
                throw CaptureError(
                    .cannotOpen,
                    "interface \(interface): \(reason)\(detail.isEmpty ? "" : " (\(detail))")"
                        + (status == PCAP_ERROR_PERM_DENIED ? "; capturing needs root or CAP_NET_RAW" : ""))
            }
            try CaptureFile.check(handle, source: "interface \(interface)", filter: filter)
            // Non-blocking, with poll() on libpcap's descriptor for the waits: on Linux a blocking read may wait until a
            // frame comes however long that is, and the counters and `stop` must be seen on a quiet link too.
            guard pcap_setnonblock(handle, 1, &errorBuffer) == 0, pcap_get_selectable_fd(handle) >= 0 else {
                throw CaptureError(.cannotOpen, "interface \(interface): cannot wait on it without blocking: \(String(cString: pcap_geterr(handle)))")
            }
        } catch {
            pcap_close(handle)
            throw error
        }
        self.handle = handle
        self.interface = interface
    }

    deinit { pcap_close(handle) }

    /// Hands every frame captured to `body` until `stop` is called, and libpcap's counters to `report` about once a
    /// second (and at the end); returns how many frames there were. A frame's bytes are lent for the call only.
    @discardableResult
    public func forEachFrame(_ report: (Statistics) -> Void = { _ in }, _ body: (CaptureFile.Frame) throws -> Void) throws -> Int {
        var header: UnsafeMutablePointer<pcap_pkthdr>?
        var data: UnsafePointer<UInt8>?
        var count = 0
        // While frames come, their own timestamps say when a second has passed (no clock is read a frame); while none
        // do, the clock is read after each wait.
        var reportedSecond = 0
        let clock = ContinuousClock()
        var reported = clock.now
        func reportNow() {
            reported = clock.now
            if let statistics = statistics() { report(statistics) }
        }
        defer { reportNow() }
        var waiting = pollfd(fd: pcap_get_selectable_fd(handle), events: Int16(POLLIN), revents: 0)
        while !stopped.load(ordering: .relaxed) {
            switch pcap_next_ex(handle, &header, &data) {
            case 1:
                guard let header, let data else { continue }
                let info = header.pointee
                let time = Date(timeIntervalSince1970: Double(info.ts.tv_sec) + Double(info.ts.tv_usec) / 1_000_000)
                try body(
                    CaptureFile.Frame(time: time, wireLength: Int(info.len), bytes: UnsafeRawBufferPointer(start: data, count: Int(info.caplen))))
                count += 1
                if info.ts.tv_sec != reportedSecond {
                    reportedSecond = info.ts.tv_sec
                    reportNow()
                }
            case 0, PCAP_ERROR_BREAK:
                // Nothing ready: wait up to 100 ms for the kernel to hand over a block of frames.
                if clock.now - reported >= .seconds(1) { reportNow() }
                waiting.revents = 0
                _ = poll(&waiting, 1, 100)
            default:
                throw CaptureError(.readFailed, "interface \(interface): after \(count) frames: \(String(cString: pcap_geterr(handle)))")
            }
        }
        return count
    }

    /// Ends `forEachFrame` (within 100 ms).
    public func stop() {
        stopped.store(true, ordering: .relaxed)
        pcap_breakloop(handle)
    }

    /// libpcap's counters for this capture (read on the capturing thread).
    private func statistics() -> Statistics? {
        var stats = pcap_stat()
        guard pcap_stats(handle, &stats) == 0 else { return nil }
        return Statistics(received: UInt64(stats.ps_recv), dropped: UInt64(stats.ps_drop), interfaceDropped: UInt64(stats.ps_ifdrop))
    }

    /// Sends `frame` out of the interface as it is (the tests and the benchmark put frames on a link this way).
    public func inject(_ frame: [UInt8]) throws(CaptureError) {
        let sent = frame.withUnsafeBytes { pcap_inject(handle, $0.baseAddress, $0.count) }
        guard sent == frame.count else {
            throw CaptureError(.readFailed, "interface \(interface): cannot send a frame: \(String(cString: pcap_geterr(handle)))")
        }
    }
}
