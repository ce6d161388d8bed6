/// One school's (or, summed, a county's or the city's) e-book terminals against the 1:1 target: the one place the
/// terminal ratio and the share in use are computed, for the compliance findings, the report's fleet section and
/// the alerts alike.
public struct FleetCounts: Sendable, Hashable, Codable {
    /// The inventory's planning figures, which the target is reckoned on.
    public var students = 0
    public var teachers = 0
    /// The imported rosters' students and teachers (0 when no roster was imported), shown beside the planning figures.
    public var rosterStudents = 0
    public var rosterTeachers = 0
    public var inStock = 0
    public var assigned = 0
    public var repair = 0
    public var lost = 0
    public var found = 0
    public var retired = 0
    /// Assigned terminals Wi-Fi saw on at least the policy's days of its last school days.
    public var inUse = 0
    /// Terminals Wi-Fi ever saw.
    public var everSeen = 0
    /// Of the policy's last school days, those on which Wi-Fi saw any of the terminals: until it has seen them on
    /// the policy's `seen_days`, no terminal can be in use and the share is not yet a verdict. For a county or the
    /// city, the most of any of its schools.
    public var schoolDaysWatched = 0
    /// The policy's `in_use.seen_days`: until `schoolDaysWatched` reaches it the share in use is not known.
    public var seenDaysRequired = 0

    public init() {}

    /// Terminals in the register that are not retired.
    public var registered: Int { inStock + assigned + repair + lost + found }

    /// Terminals the plan calls for: students × terminals_per_student + teachers × terminals_per_teacher.
    public func required(_ policy: FleetPolicy) -> Double {
        Double(students) * policy.terminalsPerStudent + Double(teachers) * policy.terminalsPerTeacher
    }

    /// Terminals assigned per student and teacher (planning figures); nil without any.
    public var ratio: Double? { students + teachers == 0 ? nil : Double(assigned) / Double(students + teachers) }

    /// Terminals in use over terminals assigned; nil when none is assigned or Wi-Fi has not watched long enough.
    public var inUseShare: Double? {
        assigned == 0 || schoolDaysWatched < seenDaysRequired ? nil : Double(inUse) / Double(assigned)
    }

    public mutating func add(_ state: TerminalState) {
        switch state {
        case .inStock: inStock += 1
        case .assigned: assigned += 1
        case .repair: repair += 1
        case .lost: lost += 1
        case .found: found += 1
        case .retired: retired += 1
        }
    }

    /// Counts summed, for a county or the city.
    public static func + (a: FleetCounts, b: FleetCounts) -> FleetCounts {
        var sum = FleetCounts()
        sum.students = a.students + b.students
        sum.teachers = a.teachers + b.teachers
        sum.rosterStudents = a.rosterStudents + b.rosterStudents
        sum.rosterTeachers = a.rosterTeachers + b.rosterTeachers
        sum.inStock = a.inStock + b.inStock
        sum.assigned = a.assigned + b.assigned
        sum.repair = a.repair + b.repair
        sum.lost = a.lost + b.lost
        sum.found = a.found + b.found
        sum.retired = a.retired + b.retired
        sum.inUse = a.inUse + b.inUse
        sum.everSeen = a.everSeen + b.everSeen
        sum.schoolDaysWatched = max(a.schoolDaysWatched, b.schoolDaysWatched)
        sum.seenDaysRequired = max(a.seenDaysRequired, b.seenDaysRequired)
        return sum
    }
}
