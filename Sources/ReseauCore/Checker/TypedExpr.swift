/// A checked expression: names resolved to row accesses, functions to builtins, every node typed.
indirect enum TypedExpr: Sendable {
    case constant(Value)
    case access(Access, ValueType)
    /// Field of a node whose type is only known at run time (`subject.name` on claims).
    case dynamicField(TypedExpr, String, ValueType)
    /// Field `field` of a node of known type `type` held by `base`.
    case nodeField(TypedExpr, type: NodeTypeID, field: Int, ValueType)
    case nodeID(TypedExpr)
    case nodeTypeName(TypedExpr)
    case edgeField(TypedExpr, type: EdgeTypeID, field: Int, ValueType)
    case edgeEnd(TypedExpr, to: Bool, ValueType)
    /// The type name of an edge known only at run time.
    case edgeTypeName(TypedExpr)
    case list([TypedExpr])
    case unary(UnaryOp, TypedExpr, ValueType)
    case binary(BinaryOp, TypedExpr, TypedExpr, ValueType)
    /// `x in (QUERY)`: the subplan is run once per query.
    case inQuery(TypedExpr, PlanNode)
    /// `exists(STEPS)`: the plan's input is the node in `slot`.
    case exists(slot: Int, PlanNode)
    case call(Builtin, [TypedExpr], ValueType)
    case ifThen(TypedExpr, TypedExpr, TypedExpr, ValueType)
    /// The result of aggregate number `index` (inside `group` and `aggregate` only).
    case aggregateResult(Int, ValueType)

    var type: ValueType {
        switch self {
        case .constant(let v): Self.typeOf(v)
        case .access(_, let t), .dynamicField(_, _, let t), .nodeField(_, _, _, let t), .edgeField(_, _, _, let t),
             .edgeEnd(_, _, let t), .unary(_, _, let t), .binary(_, _, _, let t), .call(_, _, let t),
             .ifThen(_, _, _, let t), .aggregateResult(_, let t): t
        case .nodeID, .nodeTypeName, .edgeTypeName: .string
        case .list: .list
        case .inQuery, .exists: .bool
        }
    }

    static func typeOf(_ v: Value) -> ValueType {
        switch v {
        case .null: .null
        case .int: .int
        case .decimal: .decimal
        case .string: .string
        case .date: .date
        case .bool: .bool
        case .list: .list
        case .node(let n): .node(n.type)
        case .edge(let e): .edge(e.type)
        }
    }
}

/// Built-in scalar functions.
public enum Builtin: String, CaseIterable, Sendable {
    case lower, upper, len, round, coalesce, distance, abs, number, string
    case year, month, day, days, date
    case starts_with, ends_with, contains, replace, substr, split, trim, matches

    var doc: String {
        switch self {
        case .lower: "lower(s): the string in lower case"
        case .upper: "upper(s): the string in upper case"
        case .len: "len(x): characters in a string, items in a list"
        case .round: "round(x): the nearest integer (halves away from zero); round(x, n): n decimals"
        case .coalesce: "coalesce(a, b, …): the first argument that is not null"
        case .distance: "distance(a, b): great-circle km between two cities"
        case .abs: "abs(x): absolute value"
        case .number: "number(s): the string read as a number, or null"
        case .string: "string(x): the value as text"
        case .year: "year(d): the year of a date, as an integer"
        case .month: "month(d): the month of a date (1–12), null for a date given as a year"
        case .day: "day(d): the day of the month, null for a date given as a year or a month"
        case .days: "days(a, b): days from date a to date b (negative if b is earlier); null unless both are full dates"
        case .date: "date(s): the text YYYY, YYYY-MM or YYYY-MM-DD as a date, null if it is not one"
        case .starts_with: "starts_with(s, prefix): true when s begins with prefix (exactly: case and accents count)"
        case .ends_with: "ends_with(s, suffix): true when s ends with suffix (exactly)"
        case .contains: "contains(s, part): true when part occurs in s (exactly; '~' ignores case and accents)"
        case .replace: "replace(s, old, new): s with every occurrence of old replaced by new"
        case .substr: "substr(s, start[, length]): characters from position start (1 is the first)"
        case .split: "split(s, separator): the list of the parts of s between separators"
        case .trim: "trim(s): s without leading and trailing spaces"
        case .matches: "matches(s, pattern): true when the regular expression matches somewhere in s"
        }
    }
}

/// Aggregate functions (inside `group by … :` and `aggregate`).
enum AggregateFunction: String, CaseIterable, Sendable {
    case count, sum, avg, min, max, list, count_distinct
}

/// One aggregate of a `group` or `aggregate` step.
struct AggregateSpec: Sendable {
    let function: AggregateFunction
    /// nil for `count()`.
    let argument: TypedExpr?
    let type: ValueType
}
