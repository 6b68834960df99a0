/// The static type of a value, as the checker and the schema see it.
public enum ValueType: Hashable, Sendable, CustomStringConvertible {
    case int
    case decimal
    case string
    case bool
    /// A date kept as text, `YYYY[-MM[-DD]]`.
    case date
    /// A list of values (aliases, `list()` results).
    case list
    /// A node; `nil` when the node may be of any type.
    case node(NodeTypeID?)
    /// An edge; `nil` when the edge may be of any type.
    case edge(EdgeTypeID?)
    /// The type of the literal `null`: compatible with every type.
    case null
    /// Unknown until run time (e.g. `claims.value`, a parameter with no default).
    case any

    public var description: String {
        switch self {
        case .int: "integer"
        case .decimal: "decimal"
        case .string: "string"
        case .bool: "boolean"
        case .date: "date"
        case .list: "list"
        case .node(let t): t.map { Schema.shared[$0].name } ?? "node"
        case .edge(let t): t.map { Schema.shared[$0].name + " edge" } ?? "edge"
        case .null: "null"
        case .any: "any"
        }
    }

    /// True for int and decimal (and null/any, which may hold either).
    public var isNumeric: Bool {
        switch self { case .int, .decimal, .null, .any: true; default: false }
    }
    /// True when a value of this type may be compared or stored as text.
    public var isTextual: Bool {
        switch self { case .string, .date, .null, .any: true; default: false }
    }
}
