/// Where a value comes from in a row. Rows are arrays of slots; a node row keeps its node in a
/// slot and reads fields from the graph's columns only when asked (no materialisation).
enum Access: Equatable, Sendable {
    case slot(Int)
    /// Field `field` of the node (of type `type`) held in `slot`.
    case nodeField(slot: Int, type: NodeTypeID, field: Int)
    /// The id of the node in `slot`.
    case nodeID(slot: Int)
    /// Field `field` of the edge (of type `type`) held in `slot`.
    case edgeField(slot: Int, type: EdgeTypeID, field: Int)
    /// The `from` / `to` node of the edge held in `slot`.
    case edgeEnd(slot: Int, to: Bool)
}

/// A named, typed column of a row.
struct ColumnInfo: Equatable, Sendable {
    var name: String
    var type: ValueType
    var access: Access
}

/// What every row at a point of a pipeline carries: its visible columns (in print order),
/// hidden columns (`prev`, `edge`, `km`, `depth`), namespaces (`right`), and, for rows that are
/// nodes, the slot of the node and its type.
struct Shape: Sendable {
    var columns: [ColumnInfo] = []
    var hidden: [String: ColumnInfo] = [:]
    var namespaces: [String: [ColumnInfo]] = [:]
    /// The slot holding the row's node, and its type (nil: any type).
    var nodeSlot: Int? = nil
    var nodeType: NodeTypeID? = nil
    /// Number of slots in a row.
    var width: Int = 0

    var isNodeRow: Bool { nodeSlot != nil }

    /// The shape of rows that are nodes of `type` (nil: any type), the node in slot 0.
    static func nodeRow(_ type: NodeTypeID?, schema: Schema) -> Shape {
        var s = Shape()
        s.width = 1
        s.nodeSlot = 0
        s.nodeType = type
        s.columns = nodeColumns(slot: 0, type: type, schema: schema)
        s.hidden["node"] = ColumnInfo(name: "node", type: .node(type), access: .slot(0))
        return s
    }

    /// `id` and the fields of a node type, read from the node in `slot`.
    static func nodeColumns(slot: Int, type: NodeTypeID?, schema: Schema) -> [ColumnInfo] {
        guard let type else {
            return [ColumnInfo(name: "id", type: .string, access: .nodeID(slot: slot)),
                    ColumnInfo(name: "node", type: .node(nil), access: .slot(slot))]
        }
        var cols = [ColumnInfo(name: "id", type: .string, access: .nodeID(slot: slot))]
        for (i, f) in schema[type].fields.enumerated() {
            cols.append(ColumnInfo(name: f.name, type: f.type, access: .nodeField(slot: slot, type: type, field: i)))
        }
        return cols
    }

    /// The shape of edge rows: `from`, `to`, the edge's fields; the edge itself as hidden `edge`.
    static func edgeRow(_ type: EdgeTypeID, schema: Schema) -> Shape {
        var s = Shape()
        s.width = 1
        let def = schema[type]
        s.columns = [ColumnInfo(name: "from", type: .node(def.fromType), access: .edgeEnd(slot: 0, to: false)),
                     ColumnInfo(name: "to", type: .node(def.toType), access: .edgeEnd(slot: 0, to: true))]
        for (i, f) in def.fields.enumerated() {
            s.columns.append(ColumnInfo(name: f.name, type: f.type, access: .edgeField(slot: 0, type: type, field: i)))
        }
        s.hidden["edge"] = ColumnInfo(name: "edge", type: .edge(type), access: .slot(0))
        return s
    }

    func column(named n: String) -> ColumnInfo? { columns.first { $0.name == n } ?? hidden[n] }

    /// Names valid in an expression at this point, for suggestions.
    var knownNames: [String] { columns.map(\.name) + hidden.keys.filter { $0 != Citations.hidden }.sorted() + namespaces.keys.sorted() }
}
