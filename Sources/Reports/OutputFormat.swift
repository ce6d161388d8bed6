import Foundation

/// The forms a listing can take: a table for people, JSON for other systems, CSV for spreadsheets.
public enum OutputFormat: String, Sendable, CaseIterable {
    case table, json, csv
}

/// A listing that can be rendered in every `OutputFormat` from one set of columns and rows.
public struct Listing: Sendable {
    /// A column: its heading for people, its key in CSV, and whether it holds numbers.
    public struct Column: Sendable {
        public var heading: String
        public var key: String
        public var numeric: Bool

        public init(_ heading: String, key: String, numeric: Bool = false) {
            self.heading = heading
            self.key = key
            self.numeric = numeric
        }
    }

    public var columns: [Column]
    public var rows: [[String]]
    /// The JSON form: a versioned document built from the model values themselves.
    public var json: @Sendable () throws -> Data

    public init(columns: [Column], rows: [[String]], json: @escaping @Sendable () throws -> Data) {
        self.columns = columns
        self.rows = rows
        self.json = json
    }

    public func render(_ format: OutputFormat) throws -> String {
        switch format {
        case .table:
            return tableText()
        case .csv:
            return CSVTable.render(header: columns.map(\.key), rows: rows)
        case .json:
            return String(decoding: try json(), as: UTF8.self) + "\n"
        }
    }
}

/// JSON documents EduNet prints: a `schema` name with a version, then the payload under a named key.
/// Keys are snake_case and sorted, so output is stable from run to run.
public enum JSONDocument {
    public static func encode<T: Encodable>(schema: String, key: String, _ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(Envelope(schema: schema, key: key, value: value))
    }

    private struct Envelope<T: Encodable>: Encodable {
        let schema: String
        let key: String
        let value: T

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(schema, forKey: Key(stringValue: "schema"))
            try container.encode(value, forKey: Key(stringValue: key))
        }
    }
}
