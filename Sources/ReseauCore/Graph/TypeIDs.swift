/// Which node type, or which edge type, of a `Schema` a value is about.
///
/// Node and edge types are numbered by their position in `Schema.nodeTypes` / `Schema.edgeTypes`.
/// The two numberings overlap (`city` and `twin` are both 0), so they are two types: a node type
/// cannot be passed where an edge type is expected. Each is four bytes, so that `NodeRef` and
/// `EdgeRef` (type and row) stay eight and `Value` does not grow. Tables indexed by type
/// (`schema.nodeTypes`, `graph.nodes`…) are `TypeIndexed` and take the ID itself as index; the
/// number (`index`) is for Graph/ and the snapshot format only.

/// What `NodeTypeID` and `EdgeTypeID` share: a position in the schema's list of types.
public protocol SchemaTypeID: Hashable, Comparable, Sendable, Strideable, CustomStringConvertible where Stride == Int {
    /// The type at position `index` of its list.
    init(_ index: Int)
    /// The position of the type in its list.
    var index: Int { get }
}

/// A node type: a position in `Schema.nodeTypes`.
public struct NodeTypeID: SchemaTypeID {
    @usableFromInline let raw: Int32
    @inlinable @inline(__always) public init(_ index: Int) { raw = Int32(truncatingIfNeeded: index) }
    @inlinable @inline(__always) init(raw: Int32) { self.raw = raw }
    @inlinable @inline(__always) public var index: Int { Int(raw) }
    @inlinable @inline(__always) public static func < (a: Self, b: Self) -> Bool { a.raw < b.raw }
    @inlinable @inline(__always) public func distance(to other: Self) -> Int { Int(other.raw) - Int(raw) }
    @inlinable @inline(__always) public func advanced(by n: Int) -> Self { Self(Int(raw) + n) }
    /// The number, as the snapshot's schema fingerprint and `.params` show it.
    public var description: String { String(raw) }
}

/// An edge type: a position in `Schema.edgeTypes`.
public struct EdgeTypeID: SchemaTypeID {
    @usableFromInline let raw: Int32
    @inlinable @inline(__always) public init(_ index: Int) { raw = Int32(truncatingIfNeeded: index) }
    @inlinable @inline(__always) public var index: Int { Int(raw) }
    @inlinable @inline(__always) public static func < (a: Self, b: Self) -> Bool { a.raw < b.raw }
    @inlinable @inline(__always) public func distance(to other: Self) -> Int { Int(other.raw) - Int(raw) }
    @inlinable @inline(__always) public func advanced(by n: Int) -> Self { Self(Int(raw) + n) }
    public var description: String { String(raw) }
}

/// One element per node type or per edge type, indexed by the type's ID (and by nothing else):
/// `schema.nodeTypes[Schema.city]`, `graph.edges[def.twinsStep.edgeType]`. Its `indices` are the
/// IDs, in schema order.
///
/// The type itself puts no requirement on `ID` (the collection conformance below does): a
/// generic type with requirements makes the runtime look their conformances up, scanning every
/// conformance record of the binary, the first time its metadata is built — at every start.
public struct TypeIndexed<ID, Element> {
    @usableFromInline var elements: [Element]

    @inlinable public init(_ elements: [Element]) { self.elements = elements }
    /// `count` copies of `value`.
    @inlinable public init(repeating value: Element, count: Int) { elements = Array(repeating: value, count: count) }
}

extension TypeIndexed: Sequence where ID: SchemaTypeID {}
extension TypeIndexed: Collection where ID: SchemaTypeID {}
extension TypeIndexed: BidirectionalCollection where ID: SchemaTypeID {}
extension TypeIndexed: RandomAccessCollection where ID: SchemaTypeID {

    public typealias Index = ID
    public typealias Indices = Range<ID>
    @inlinable public var startIndex: ID { ID(0) }
    @inlinable public var endIndex: ID { ID(elements.count) }
    @inlinable public var count: Int { elements.count }
    @inlinable public var indices: Range<ID> { startIndex..<endIndex }
    @inlinable public func index(after i: ID) -> ID { i.advanced(by: 1) }
    @inlinable public func index(before i: ID) -> ID { i.advanced(by: -1) }

    @inlinable public subscript(i: ID) -> Element {
        @inline(__always) get { elements[i.index] }
        @inline(__always) _modify { yield &elements[i.index] }
    }

    /// Adds the element of the next type (tables are built in schema order).
    @inlinable public mutating func append(_ e: Element) { elements.append(e) }

    /// The same table with each element transformed, still indexed by type.
    @inlinable public func mapByID<T>(_ transform: (Element) throws -> T) rethrows -> TypeIndexed<ID, T> {
        TypeIndexed<ID, T>(try elements.map(transform))
    }

    /// Each type's ID with its element, in schema order.
    @inlinable public var withIDs: Zip2Sequence<Range<ID>, [Element]> { zip(indices, elements) }
}

extension TypeIndexed: Sendable where Element: Sendable {}
