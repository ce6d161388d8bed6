import Foundation

extension VarBind {
    /// `OID = Type: value`, the form the CLI prints for people.
    public var textLine: String { "\(oid) = \(value.typeName): \(value.displayText)" }

    /// One JSON object on one line: `{"oid":"1.3.6.1.2.1.2.2.1.10.1","type":"Counter32","value":123}`.
    /// Numbers stay numbers (Counter64 exactly); an OctetString is `"value"` text when printable UTF-8,
    /// else `"hex"`; exceptions have no value.
    public var jsonLine: String {
        var line = "{\"oid\":\"\(oid)\",\"type\":\"\(value.typeName)\""
        switch value {
        case .integer32(let v): line += ",\"value\":\(v)"
        case .counter32(let v), .gauge32(let v), .timeTicks(let v): line += ",\"value\":\(v)"
        case .counter64(let v): line += ",\"value\":\(v)"
        case .octetString(let bytes):
            if let text = value.text { line += ",\"value\":" + Self.jsonString(text) } else { line += ",\"hex\":\"\(Self.plainHex(bytes))\"" }
        case .opaque(let bytes): line += ",\"hex\":\"\(Self.plainHex(bytes))\""
        case .objectIdentifier, .ipAddress: line += ",\"value\":\"\(value.displayText)\""
        case .null, .noSuchObject, .noSuchInstance, .endOfMibView: break
        }
        return line + "}"
    }

    private static func plainHex(_ bytes: [UInt8]) -> String { SNMPValue.hex(bytes).replacingOccurrences(of: " ", with: "") }

    /// A JSON string literal with the escapes RFC 8259 requires.
    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
