// libFuzzer's entry point for the frame decoders: every input is a frame's captured bytes. Built outside the package
// by scripts/fuzz-capture.sh, from Sources/Capture/Decoding only (the decoders need nothing of libpcap), with
// -sanitize=fuzzer,address so that a read past a frame's end is a crash the fuzzer reports with its input.

@_cdecl("LLVMFuzzerTestOneInput")
public func decodeFrame(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    // The wire length a capture may state beyond the captured bytes, taken from the input so that it varies too.
    let wireLength = size + Int(size > 0 ? data[0] : 0)
    if let frame = DecodedFrame.decode(bytes, wireLength: wireLength) {
        // Touch what the detectors read, so that nothing decoded is optimised away.
        var sum = frame.wireLength &+ Int(frame.ethernet.etherType)
        sum &+= frame.dns?.questions.reduce(0) { $0 &+ $1.name.utf8.count } ?? 0
        sum &+= Int(frame.dhcp?.messageType ?? 0) &+ Int(frame.tcp?.flags ?? 0) &+ (frame.ip?.length ?? 0)
        if sum == Int.min { print(sum) }
    }
    return 0
}
