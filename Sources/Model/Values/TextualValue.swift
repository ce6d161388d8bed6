/// A value written as one string in YAML and JSON (`2.5G`, `127.3.1.1`, `10.12.0.0/16`): parsed by
/// `init?(_:)` and written back as `description`, the same way everywhere.
public protocol TextualValue: LosslessStringConvertible, Codable, Sendable {}

extension TextualValue {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Self(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a valid \(Self.self): \(text)"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
