internal import CPcap
import Foundation

/// A capture file (pcap or pcapng) read frame by frame through libpcap, with an optional BPF filter. Each frame is
/// lent to the caller only for the call that hands it over: libpcap reuses its buffer for the next one.
public final class CaptureFile {
    private let handle: OpaquePointer
    public let path: String

    /// Opens `path`; `filter` is a BPF expression as tcpdump takes it (`udp port 67 or arp`).
    public init(path: String, filter: String? = nil) throws(CaptureError) {
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        guard let handle = pcap_open_offline_with_tstamp_precision(path, UInt32(PCAP_TSTAMP_PRECISION_MICRO), &errorBuffer) else {
            let reason = errorBuffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw CaptureError(.cannotOpen, "\(path): \(reason); give a pcap or pcapng file (tcpdump -w writes one)")
        }
        // Closed here on every failure: `deinit` runs only once the handle is stored, after the checks.
        do throws(CaptureError) {
            try Self.check(handle, source: path, filter: filter)
        } catch {
            pcap_close(handle)
            throw error
        }
        self.handle = handle
        self.path = path
    }

    /// Refuses what is not Ethernet and sets the filter: a file's and a live capture's checks alike.
    static func check(_ handle: OpaquePointer, source: String, filter: String?) throws(CaptureError) {
        guard pcap_datalink(handle) == DLT_EN10MB else {
            let name = pcap_datalink_val_to_name(pcap_datalink(handle)).map { String(cString: $0) } ?? "\(pcap_datalink(handle))"
            throw CaptureError(.unsupportedLinkType, "\(source): its frames are \(name), not Ethernet; capture on an Ethernet interface")
        }
        guard let filter else { return }
        var program = bpf_program()
        guard pcap_compile(handle, &program, filter, 1, PCAP_NETMASK_UNKNOWN) == 0 else {
            throw CaptureError(.badFilter, "the filter \"\(filter)\": \(String(cString: pcap_geterr(handle))); write it as tcpdump takes it")
        }
        defer { pcap_freecode(&program) }
        guard pcap_setfilter(handle, &program) == 0 else {
            throw CaptureError(.badFilter, "the filter \"\(filter)\": \(String(cString: pcap_geterr(handle)))")
        }
    }

    deinit { pcap_close(handle) }

    /// One frame as the file holds it: when it was captured, its length on the wire, and the captured bytes (which
    /// may be fewer: a capture's snapshot length cuts frames).
    public struct Frame {
        public let time: Date
        public let wireLength: Int
        public let bytes: UnsafeRawBufferPointer
    }

    /// Hands every frame, in order, to `body`; returns how many there were. A file cut short mid-frame ends the
    /// reading with an error after the frames before the cut.
    @discardableResult
    public func forEachFrame(_ body: (Frame) throws -> Void) throws -> Int {
        var header: UnsafeMutablePointer<pcap_pkthdr>?
        var data: UnsafePointer<UInt8>?
        var count = 0
        while true {
            switch pcap_next_ex(handle, &header, &data) {
            case 1:
                guard let header, let data else { continue }
                let info = header.pointee
                let time = Date(timeIntervalSince1970: Double(info.ts.tv_sec) + Double(info.ts.tv_usec) / 1_000_000)
                try body(Frame(time: time, wireLength: Int(info.len), bytes: UnsafeRawBufferPointer(start: data, count: Int(info.caplen))))
                count += 1
            case PCAP_ERROR_BREAK:
                return count
            default:
                throw CaptureError(.readFailed, "\(path): after \(count) frames: \(String(cString: pcap_geterr(handle)))")
            }
        }
    }
}

/// Why a capture could not be read: one error with a code, and a message that names the file or filter and what to do.
public struct CaptureError: Error, Sendable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        case cannotOpen, unsupportedLinkType, badFilter, readFailed
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
