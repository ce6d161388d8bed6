/// The holders a term operation is for: one class as the roster writes it, or a whole grade, every class whose name
/// starts with it (`三年级` matches 三年级1班, 三年级2班 …).
public enum ClassSelection: Sendable, Hashable, CustomStringConvertible {
    case className(String)
    case grade(String)

    public func matches(_ className: String) -> Bool {
        switch self {
        case .className(let name): className == name
        case .grade(let grade): className.hasPrefix(grade)
        }
    }

    public var description: String {
        switch self {
        case .className(let name): "class \(name)"
        case .grade(let grade): "grade \(grade)"
        }
    }
}
