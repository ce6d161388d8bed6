/// A table for the terminal: columns sized by display width, numbers right-aligned, a rule under the header.
public struct TextTable: Sendable {
    /// A column heading and how its cells align.
    public struct Column: Sendable {
        public var title: String
        public var alignRight: Bool

        public init(_ title: String, alignRight: Bool = false) {
            self.title = title
            self.alignRight = alignRight
        }
    }

    public var columns: [Column]
    public var rows: [[String]]

    public init(columns: [Column], rows: [[String]] = []) {
        self.columns = columns
        self.rows = rows
    }

    public func render() -> String {
        let widths = columns.indices.map { index in
            ([columns[index].title] + rows.map { index < $0.count ? $0[index] : "" }).map(DisplayWidth.of).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            columns.indices.map { index in
                let cell = index < cells.count ? cells[index] : ""
                let isLast = index == columns.count - 1
                return isLast && !columns[index].alignRight ? cell : DisplayWidth.pad(cell, to: widths[index], alignRight: columns[index].alignRight)
            }.joined(separator: "  ")
        }
        // Columns without titles (a list of fields and values) get no header.
        var out =
            columns.allSatisfy(\.title.isEmpty)
            ? [] : [line(columns.map(\.title)), widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ")]
        out += rows.map(line)
        return out.joined(separator: "\n") + "\n"
    }
}
