/// Bounds-checked big-endian reads over a frame's bytes. Every decoder reads through it, so a truncated or lying
/// frame is a nil, never a read past its end. It holds the caller's pointer: use it inside the closure that lent it.
struct ByteView {
    let bytes: UnsafeRawBufferPointer

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    var count: Int { bytes.count }

    func u8(_ offset: Int) -> UInt8? {
        offset >= 0 && offset < bytes.count ? bytes[offset] : nil
    }

    func u16(_ offset: Int) -> UInt16? {
        guard offset >= 0, offset + 2 <= bytes.count else { return nil }
        return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    func u32(_ offset: Int) -> UInt32? {
        guard let high = u16(offset), let low = u16(offset + 2) else { return nil }
        return UInt32(high) << 16 | UInt32(low)
    }

    func u64(_ offset: Int) -> UInt64? {
        guard let high = u32(offset), let low = u32(offset + 4) else { return nil }
        return UInt64(high) << 32 | UInt64(low)
    }

    func mac(_ offset: Int) -> MACAddress? {
        guard let high = u16(offset), let low = u32(offset + 2) else { return nil }
        return MACAddress(raw: UInt64(high) << 32 | UInt64(low))
    }

    func ipv4(_ offset: Int) -> IPv4Address? { u32(offset).map(IPv4Address.init(raw:)) }

    func ipv6(_ offset: Int) -> IPv6Address? {
        guard let high = u64(offset), let low = u64(offset + 8) else { return nil }
        return IPv6Address(high: high, low: low)
    }

    /// The bytes from `offset` on (to the end, or `count` of them), or nil if they are not all there.
    func view(from offset: Int, count: Int? = nil) -> ByteView? {
        let length = count ?? bytes.count - offset
        guard offset >= 0, length >= 0, offset + length <= bytes.count else { return nil }
        return ByteView(UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + length]))
    }
}
