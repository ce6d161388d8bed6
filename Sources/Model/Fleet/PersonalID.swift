/// A holder's identifier, which is personal data: a student's national student number (学籍号: `G` followed by the
/// 18-character resident ID number) or a school's own number for a teacher. Shown masked unless a person asks to
/// see it, and never put in a URL, a log line, an alert or a webhook.
public struct PersonalID: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let value: String

    public init(_ value: String) { self.value = value }

    /// `G640***********12X`: the letter and the first three digits (the province and city), the last three
    /// characters, and a star for each character between.
    public var masked: String {
        let characters = Array(value)
        guard characters.count > 6 else { return String(repeating: "*", count: characters.count) }
        let shown = characters.count >= 10 ? (4, 3) : (1, 1)
        return String(characters.prefix(shown.0)) + String(repeating: "*", count: characters.count - shown.0 - shown.1)
            + String(characters.suffix(shown.1))
    }

    /// Masked unless `reveal`.
    public func text(reveal: Bool) -> String { reveal ? value : masked }

    /// Never the value itself, so that string interpolation into a log or a message cannot leak it.
    public var description: String { masked }

    public static func < (lhs: PersonalID, rhs: PersonalID) -> Bool { lhs.value < rhs.value }

    public init(from decoder: any Decoder) throws { value = try decoder.singleValueContainer().decode(String.self) }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }

    /// Why a national student number is malformed, or nil when it is well formed: `G`, then 17 digits and a
    /// check character (a digit or `X`) computed by ISO 7064 MOD 11-2 as on the resident ID card.
    public static func studentNumberProblem(_ text: String) -> String? {
        let characters = Array(text.uppercased())
        guard characters.first == "G" else { return "a national student number (学籍号) starts with G" }
        guard characters.count == 19 else {
            return "a national student number (学籍号) has 19 characters (G and the 18 of the ID number), this one \(characters.count)"
        }
        let body = characters[1..<18]
        guard body.allSatisfy(\.isASCIIDigit) else { return "characters 2 to 18 of a national student number (学籍号) are digits" }
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(body, weights).reduce(0) { $0 + Int(String($1.0))! * $1.1 }
        let expected = Array("10X98765432")[sum % 11]
        guard characters[18] == expected else {
            return "the check character of this national student number (学籍号) should be \(expected), not \(characters[18]): a digit is mistyped"
        }
        return nil
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
