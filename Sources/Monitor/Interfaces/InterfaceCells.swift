import SNMP

/// One poll's cells: each interface's row of the walked columns, in one flat array. A dictionary a table and one a
/// row cost a hash, and often an allocation, a varbind: about a tenth of a poll's CPU.
struct InterfaceCells {
    typealias Column = InterfacePoller.Column

    /// One row's cells, by column.
    struct Row {
        fileprivate let values: ArraySlice<SNMPValue?>
        subscript(column: Column) -> SNMPValue? { values[values.startIndex + column.rawValue] }
    }

    private static let width = Column.allCases.count
    private var rowOf: [UInt32: Int] = [:]
    private var indexes: [UInt32] = []
    private var values: [SNMPValue?] = []
    /// When each row's octet counters came, the HC ones and the 32-bit ones: columns with holes run ahead of the
    /// others, so the time of a row's first cell of any column would not do.
    private var hcArrival: [Duration?] = []
    private var legacyArrival: [Duration?] = []
    /// Whether ifTable has the row: the interfaces are ifTable's rows, which ifXTable's complete.
    private var inIfTable: [Bool] = []
    /// The row each column wrote last. A column comes in ifIndex order, so its next cell is nearly always in the row
    /// after that one, and needs no lookup.
    private var lastRow = [Int](repeating: -1, count: width)

    mutating func set(_ value: SNMPValue, column: Column, ifIndex: UInt32, receivedAfter elapsed: Duration) {
        let row = row(for: ifIndex, after: lastRow[column.rawValue])
        lastRow[column.rawValue] = row
        values[row * Self.width + column.rawValue] = value
        switch column {
        case .ifHCInOctets: hcArrival[row] = elapsed
        case .ifInOctets: legacyArrival[row] = elapsed
        default: break
        }
        if column.rawValue < Column.ifName.rawValue { inIfTable[row] = true }
    }

    private mutating func row(for ifIndex: UInt32, after previous: Int) -> Int {
        if previous + 1 < indexes.count, indexes[previous + 1] == ifIndex { return previous + 1 }
        if let row = rowOf[ifIndex] { return row }
        let row = indexes.count
        rowOf[ifIndex] = row
        indexes.append(ifIndex)
        values.append(contentsOf: repeatElement(nil, count: Self.width))
        hcArrival.append(nil)
        legacyArrival.append(nil)
        inIfTable.append(false)
        return row
    }

    /// ifTable's rows, in ifIndex order.
    var ifTableRows: [Int] { indexes.indices.filter { inIfTable[$0] }.sorted { indexes[$0] < indexes[$1] } }

    func ifIndex(of row: Int) -> UInt32 { indexes[row] }

    func row(_ row: Int) -> Row { Row(values: values[row * Self.width..<(row + 1) * Self.width]) }

    /// When the row's octet counters came, after the walk's start: the HC ones, else the 32-bit ones.
    func arrival(of row: Int) -> Duration { hcArrival[row] ?? legacyArrival[row] ?? .zero }
}
