import Foundation
import Model
import Testing

@testable import Reports

@Suite("Tables, CSV and JSON")
struct TableTests {
    @Test func chineseTakesTwoColumns() {
        #expect(DisplayWidth.of("兴庆区") == 6)
        #expect(DisplayWidth.of("No. 1") == 5)
        #expect(DisplayWidth.of("灵武市（A）") == 11)
        #expect(DisplayWidth.of("e\u{301}") == 1)
    }

    @Test func columnsLineUpWithMixedScripts() {
        let table = TextTable(
            columns: [.init("ID"), .init("学校 School"), .init("学生", alignRight: true), .init("备注")],
            rows: [
                ["xq-01", "兴庆区第一小学", "1200", "ok"],
                ["yn-kindergarten-10", "Yongning Kindergarten", "313", "单上联"],
            ]
        ).render()
        let lines = table.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        // Every column starts at the same display column on every line.
        func starts(_ line: String) -> [Int] {
            var result: [Int] = []
            var width = 0
            var previousWasSpace = true
            var spaces = 0
            for character in line {
                let isSpace = character == " "
                if !isSpace && previousWasSpace && (spaces >= 2 || width == 0) { result.append(width) }
                spaces = isSpace ? spaces + 1 : 0
                previousWasSpace = isSpace
                width += DisplayWidth.of(String(character))
            }
            return result
        }
        #expect(starts(lines[0]) == [0, 20, 43, 49])
        #expect(starts(lines[2]) == [0, 20, 43, 49])
        #expect(starts(lines[3]) == [0, 20, 44, 49])
        // Numbers are right-aligned: they end where the heading ends.
        #expect(
            DisplayWidth.of(String(lines[2].prefix { $0 != "o" }).trimmingCharacters(in: .whitespaces))
                == DisplayWidth.of(String(lines[0].prefix { $0 != "备" }).trimmingCharacters(in: .whitespaces)))
        #expect(lines[1].allSatisfy { $0 == "─" || $0 == " " })
    }

    @Test func csvHasByteOrderMarkAndCRLFAndQuotes() {
        let csv = CSVTable.render(header: ["id", "name"], rows: [["a,1", "兴庆区\"一小\""], ["b", " leading"]])
        #expect(csv.hasPrefix("\u{FEFF}id,name\r\n"))
        #expect(csv == "\u{FEFF}id,name\r\n\"a,1\",\"兴庆区\"\"一小\"\"\"\r\nb,\" leading\"\r\n")
    }

    @Test func csvRoundTrips() {
        let rows = [["id", "name", "note"], ["x", "灵武市, 职业技术学院", "line\nbreak"], ["y", "\"quoted\"", ""]]
        #expect(CSVTable.parse(CSVTable.render(header: rows[0], rows: Array(rows.dropFirst()))) == rows)
    }

    @Test func schoolJSONHasAStableSchema() throws {
        let school = School(
            id: "xq-01", name: "兴庆区第一小学", nameEN: "Xingqing No. 1", county: "xingqing", kind: .primary,
            students: 1200, teachers: 80, subnets: [IPNetwork("10.21.0.0/20")!],
            areas: [Area(kind: .teaching, name: "教学楼", accessPoints: ["xq-01-ap01"])])
        let listing = InventoryListings.schools([school], counties: [County(id: "xingqing", name: "兴庆区", nameEN: "Xingqing")])
        let json = try listing.render(.json)
        #expect(
            json == """
                {
                  "schema" : "edunet.schools/v1",
                  "schools" : [
                    {
                      "areas" : [
                        {
                          "access_points" : [
                            "xq-01-ap01"
                          ],
                          "kind" : "teaching",
                          "name" : "教学楼"
                        }
                      ],
                      "county" : "xingqing",
                      "id" : "xq-01",
                      "kind" : "primary",
                      "name" : "兴庆区第一小学",
                      "name_en" : "Xingqing No. 1",
                      "students" : 1200,
                      "subnets" : [
                        "10.21.0.0/20"
                      ],
                      "teachers" : 80
                    }
                  ]
                }

                """)
        let csv = CSVTable.parse(try listing.render(.csv))
        #expect(
            csv == [
                ["id", "name", "county", "kind", "students", "teachers", "subnets", "access_points"],
                ["xq-01", "兴庆区第一小学", "兴庆区", "小学", "1200", "80", "1", "1"],
            ])
    }

    @Test func countySummaryTotalsTheCity() {
        let inventory = Inventory(
            counties: [County(id: "a", name: "甲区", nameEN: "A"), County(id: "b", name: "乙县", nameEN: "B")],
            nodes: [NetworkNode(id: "agg-a", name: "汇聚", kind: .countyAggregation, county: "a")],
            links: [
                Link(
                    id: "l", tier: .countySchool, a: LinkEnd(device: "agg-a-sw", interface: "x"), b: LinkEnd(device: "s1-core", interface: "y"),
                    capacity: nil)
            ],
            schools: [
                School(id: "s1", name: "一", nameEN: "1", county: "a", kind: .vocational, students: 10, teachers: 2, subnets: [], areas: []),
                School(id: "s2", name: "二", nameEN: "2", county: "b", kind: .primary, students: 5, teachers: 1, subnets: [], areas: []),
            ],
            devices: [
                Device(id: "agg-a-sw", name: "x", role: .coreSwitch, node: "agg-a"),
                Device(id: "s1-core", name: "x", role: .coreSwitch, school: "s1"),
                Device(id: "s1-ap", name: "x", role: .accessPoint, school: "s1"),
            ])
        let summary = CountySummary.make(inventory)
        #expect(summary.map(\.county) == ["a", "b", "city"])
        #expect(summary[0].devices == 3 && summary[0].accessPoints == 1 && summary[0].links == 1 && summary[0].vocationalSchools == 1)
        #expect(summary[1].students == 5 && summary[1].devices == 0)
        #expect(summary[2].students == 15 && summary[2].schools == 2 && summary[2].devices == 3 && summary[2].links == 1)
    }
}
