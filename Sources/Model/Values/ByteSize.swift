import Foundation

/// An amount of memory or storage in bytes, written with its unit as engineers do (`64GiB`, `2TiB`, `500GB`): a
/// number without a unit is refused rather than guessed, since `64` could mean GiB to one person and bytes to another.
public struct ByteSize: Hashable, Comparable, TextualValue {
    public var bytes: UInt64

    public init(bytes: UInt64) { self.bytes = bytes }

    public static func gibibytes(_ value: Double) -> ByteSize { ByteSize(bytes: UInt64(value * 1_073_741_824)) }
    public static func tebibytes(_ value: Double) -> ByteSize { ByteSize(bytes: UInt64(value * 1_099_511_627_776)) }

    static let units: [(suffix: String, factor: Double)] = [
        ("PiB", 1_125_899_906_842_624), ("TiB", 1_099_511_627_776), ("GiB", 1_073_741_824), ("MiB", 1_048_576), ("KiB", 1024),
        ("PB", 1e15), ("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3), ("KB", 1e3), ("B", 1),
    ]

    /// Parses `64GiB`, `1.5TiB`, `500GB`, `512MiB`, `100B` (case of the unit as written; `T`, `G`, `M` alone are
    /// taken as the binary units that memory and disk sizes are quoted in).
    public init?(_ text: String) {
        let body = text.trimmingCharacters(in: .whitespaces)
        let short: [(String, Double)] = [("T", 1_099_511_627_776), ("G", 1_073_741_824), ("M", 1_048_576)]
        guard let (suffix, factor) = (Self.units + short).first(where: { body.hasSuffix($0.0) }),
            let number = Double(body.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)), number >= 0, number.isFinite
        else { return nil }
        let bytes = (number * factor).rounded()
        guard bytes < Double(UInt64.max) else { return nil }
        self.bytes = UInt64(bytes)
    }

    /// In the largest binary unit that gives at least 1, with up to two decimals: `64GiB`, `1.5TiB`.
    public var description: String {
        for (suffix, factor) in Self.units.prefix(5) where Double(bytes) >= factor {
            let value = (Double(bytes) / factor * 100).rounded() / 100
            return (value == value.rounded() ? String(Int(value)) : String(value)) + suffix
        }
        return "\(bytes)B"
    }

    public static func < (lhs: ByteSize, rhs: ByteSize) -> Bool { lhs.bytes < rhs.bytes }
    public static func + (lhs: ByteSize, rhs: ByteSize) -> ByteSize { ByteSize(bytes: lhs.bytes &+ rhs.bytes) }
}
