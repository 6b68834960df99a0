/// A reference to a node: its type (index into `Schema.nodeTypes`) and its row in that type's table.
public struct NodeRef: Hashable, Sendable, Comparable {
    public let type: Int32
    public let index: Int32
    public init(type: Int, index: Int) { self.type = Int32(type); self.index = Int32(index) }
    public static func < (a: NodeRef, b: NodeRef) -> Bool { (a.type, a.index) < (b.type, b.index) }
}

/// A reference to an edge: its type (index into `Schema.edgeTypes`) and its row.
public struct EdgeRef: Hashable, Sendable, Comparable {
    public let type: Int32
    public let index: Int32
    public init(type: Int, index: Int) { self.type = Int32(type); self.index = Int32(index) }
    public static func < (a: EdgeRef, b: EdgeRef) -> Bool { (a.type, a.index) < (b.type, b.index) }
}

/// A value at run time.
public enum Value: Hashable, Sendable {
    case null
    case int(Int)
    case decimal(Double)
    case string(String)
    case bool(Bool)
    case list([Value])
    case node(NodeRef)
    case edge(EdgeRef)
    /// A date `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, kept as its ISO text; the precision is its length.
    case date(String)

    public var isNull: Bool { if case .null = self { true } else { false } }

    /// The numeric value of an int or decimal, else nil.
    public var number: Double? {
        switch self {
        case .int(let i): Double(i)
        case .decimal(let d): d
        default: nil
        }
    }
}
