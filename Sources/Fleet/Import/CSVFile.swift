import Foundation
import Glibc
import Model

/// A CSV file as schools really send them: UTF-8 with or without a byte-order mark, or GB18030 (what Excel on a
/// Chinese Windows writes by default, a superset of GBK and GB2312), told apart by whether the bytes are valid
/// UTF-8; fields split as RFC 4180 says (quotes, doubled quotes, line breaks inside quotes); each row keeps the
/// line it started on, so that every problem can be reported as `FILE:ROW:COLUMN`.
public struct CSVFile: Sendable {
    public enum Encoding: String, Sendable {
        case utf8 = "UTF-8"
        case utf8WithBOM = "UTF-8 with BOM"
        case gb18030 = "GB18030"
    }

    /// One data row: the line it starts on and its fields.
    public struct Row: Sendable {
        public var line: Int
        public var fields: [String]
    }

    public var path: String
    public var encoding: Encoding
    public var header: [String]
    public var rows: [Row]

    /// Reads and decodes the file at `path`.
    public static func read(_ path: String) throws(FleetError) -> CSVFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FleetError(.unreadableFile, "cannot read \(path): no such file, or it is not readable")
        }
        return try parse(Array(data), path: path)
    }

    /// Decodes and splits `bytes`; `path` names the file in messages.
    public static func parse(_ bytes: [UInt8], path: String) throws(FleetError) -> CSVFile {
        let (text, encoding) = try decode(bytes, path: path)
        var records = split(text)
        // Excel leaves rows of empty fields where cells were cleared.
        records.removeAll { $0.fields.allSatisfy { $0.trimmed.isEmpty } }
        guard let header = records.first else { throw FleetError(.invalidFile, "\(path) is empty: the first row names the columns") }
        return CSVFile(
            path: path, encoding: encoding, header: header.fields.map(\.trimmed),
            rows: Array(records.dropFirst()))
    }

    static func decode(_ bytes: [UInt8], path: String) throws(FleetError) -> (String, Encoding) {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            guard let text = String(validating: bytes.dropFirst(3), as: UTF8.self) else {
                throw FleetError(.unreadableFile, "\(path) starts with a UTF-8 byte-order mark but is not UTF-8; save it again as CSV UTF-8")
            }
            return (text, .utf8WithBOM)
        }
        if let text = String(validating: bytes, as: UTF8.self) { return (text, .utf8) }
        if let text = gb18030(bytes) { return (text, .gb18030) }
        throw FleetError(
            .unreadableFile, "\(path) is neither UTF-8 nor GB18030 (GBK) text; in Excel, save it as \"CSV UTF-8 (comma delimited)\"")
    }

    /// GB18030 → String through the C library's iconv (Foundation on Linux has no GB18030 decoder); nil when the
    /// bytes are not valid GB18030.
    static func gb18030(_ bytes: [UInt8]) -> String? {
        let converter = iconv_open("UTF-8", "GB18030")
        guard converter != iconv_t(bitPattern: -1) else { return nil }
        defer { iconv_close(converter) }
        var input = bytes.map { CChar(bitPattern: $0) }
        // A GB18030 character is 1, 2 or 4 bytes and becomes at most 4 in UTF-8: twice the input suffices.
        var output = [CChar](repeating: 0, count: bytes.count * 2 + 4)
        let produced: Int? = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                var inPointer = inBuffer.baseAddress
                var outPointer = outBuffer.baseAddress
                var inLeft = inBuffer.count
                var outLeft = outBuffer.count
                guard iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft) != -1, inLeft == 0 else { return nil }
                return outBuffer.count - outLeft
            }
        }
        guard let produced else { return nil }
        return String(validating: output.prefix(produced).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// RFC 4180 records, each with the line it starts on. Split on the UTF-8 bytes: quote, comma and line breaks are
    /// ASCII, and no byte of a multi-byte UTF-8 character is ASCII, so a field is a slice of bytes until it holds a
    /// doubled quote.
    static func split(_ text: String) -> [Row] {
        var text = text
        return text.withUTF8 { bytes in
            let quote = UInt8(ascii: "\"")
            let comma = UInt8(ascii: ",")
            let cr = UInt8(ascii: "\r")
            let lf = UInt8(ascii: "\n")
            var rows: [Row] = []
            var fields: [String] = []
            var line = 1
            var rowLine = 1
            var i = 0
            func endRow() {
                rows.append(Row(line: rowLine, fields: fields))
                fields = []
            }
            /// Moves `i` to the next comma or line break (or the end) and returns where it started.
            func skipToSeparator() -> Int {
                let start = i
                while i < bytes.count, bytes[i] != comma, bytes[i] != cr, bytes[i] != lf { i += 1 }
                return start
            }
            while i < bytes.count {
                // One field, from i.
                if bytes[i] == quote {
                    var field: [UInt8] = []
                    i += 1
                    while i < bytes.count {
                        if bytes[i] == quote {
                            if i + 1 < bytes.count, bytes[i + 1] == quote {
                                field.append(quote)
                                i += 2
                                continue
                            }
                            i += 1
                            break
                        }
                        if bytes[i] == lf { line += 1 }
                        field.append(bytes[i])
                        i += 1
                    }
                    // Anything between the closing quote and the separator belongs to the field, as Excel reads it.
                    let rest = skipToSeparator()
                    field += bytes[rest..<i]
                    fields.append(String(decoding: field, as: UTF8.self))
                } else {
                    let start = skipToSeparator()
                    fields.append(String(decoding: bytes[start..<i], as: UTF8.self))
                }
                guard i < bytes.count else {
                    endRow()
                    break
                }
                if bytes[i] == comma {
                    i += 1
                    if i == bytes.count {  // a trailing comma: an empty last field
                        fields.append("")
                        endRow()
                    }
                    continue
                }
                // A line break ends the row: \r\n, \n or a lone \r.
                i += bytes[i] == cr && i + 1 < bytes.count && bytes[i + 1] == lf ? 2 : 1
                endRow()
                line += 1
                rowLine = line
            }
            return rows
        }
    }
}

extension String {
    /// Without white space at either end, as Foundation's `trimmingCharacters(in: .whitespacesAndNewlines)`, which
    /// is only called when an end is white space: a cell of a 100,000-row import seldom is.
    var trimmed: String {
        guard let first = unicodeScalars.first, let last = unicodeScalars.last else { return self }
        guard first.properties.isWhitespace || last.properties.isWhitespace else { return self }
        return trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Which column of a CSV file holds which field, from header names in Chinese or English.
struct CSVColumns<Field: Hashable & CaseIterable & Sendable & RawRepresentable>: Sendable where Field.RawValue == String {
    private(set) var index: [Field: Int] = [:]
    let aliases: [Field: [String]]

    /// `aliases` gives each field's accepted header names, compared without case, spaces, `_` and `-`.
    init(header: [String], aliases: [Field: [String]]) {
        self.aliases = aliases
        func key(_ text: String) -> String { text.lowercased().filter { !" _-　".contains($0) } }
        var byName: [String: Field] = [:]
        for (field, names) in aliases { for name in names { byName[key(name)] = field } }
        for (column, name) in header.enumerated() {
            if let field = byName[key(name)], index[field] == nil { index[field] = column }
        }
    }

    /// A problem at the header for each of `required` that no column names, saying which names it may have.
    func missing(_ required: [Field], in file: CSVFile) -> [Diagnostic] {
        required.filter { index[$0] == nil }.map { field in
            Diagnostic(
                "no \(field.rawValue) column", at: SourceLocation(file: file.path, line: 1, column: 1),
                help: "name one of the columns " + (aliases[field] ?? []).prefix(4).map { "`\($0)`" }.joined(separator: ", "))
        }
    }

    /// The trimmed value of `field` in `row`, nil when the column is absent or the cell empty.
    func value(_ field: Field, in row: CSVFile.Row) -> String? {
        guard let column = index[field], column < row.fields.count else { return nil }
        let text = row.fields[column].trimmed
        return text.isEmpty ? nil : text
    }

    /// The 1-based column number of `field` (for messages), or the column after the last when it is absent.
    func column(_ field: Field) -> Int { (index[field] ?? (index.values.max() ?? -1) + 1) + 1 }
}
