/// A reference to a node: its type and its row in that type's table (eight bytes).
public struct NodeRef: Hashable, Sendable, Comparable {
    public let type: NodeTypeID
    public let index: Int32
    @inlinable @inline(__always) public init(type: NodeTypeID, index: Int) { self.type = type; self.index = Int32(index) }
    /// The node as one 64-bit key, type in the high half and row in the low (ordered as nodes
    /// are), for hash maps and sorted frontiers that hold plain integers.
    @inlinable @inline(__always) public var packed: UInt64 {
        UInt64(UInt32(bitPattern: type.raw)) << 32 | UInt64(UInt32(bitPattern: index))
    }
    @inlinable @inline(__always) public init(packed: UInt64) {
        type = NodeTypeID(raw: Int32(truncatingIfNeeded: packed >> 32)); index = Int32(truncatingIfNeeded: packed)
    }
    public static func < (a: NodeRef, b: NodeRef) -> Bool { (a.type, a.index) < (b.type, b.index) }
}

/// A reference to an edge: its type and its row (eight bytes).
public struct EdgeRef: Hashable, Sendable, Comparable {
    public let type: EdgeTypeID
    public let index: Int32
    @inlinable @inline(__always) public init(type: EdgeTypeID, index: Int) { self.type = type; self.index = Int32(index) }
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
