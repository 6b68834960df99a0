import Testing
@testable import ReseauCore

/// Node and edge types are named by `NodeTypeID` and `EdgeTypeID` (issue 10, item 6): lookups
/// by name return them, the schema and the graph take them as indices, and they cost nothing
/// in the values that hold them. (That a node type cannot index the edge tables is checked by
/// the compiler: `graph.edges[Schema.city]` does not build.)
@Suite("Type IDs")
struct TypeIDTests {
    /// A node or edge reference is a type and a row, four bytes each: a `Value` holding one is no
    /// bigger than with the raw `Int32` it replaced, and a node column no wider.
    @Test func referencesKeepTheirSize() {
        #expect(MemoryLayout<NodeTypeID>.size == 4 && MemoryLayout<EdgeTypeID>.size == 4)
        #expect(MemoryLayout<NodeRef>.size == 8 && MemoryLayout<NodeRef>.stride == 8)
        #expect(MemoryLayout<EdgeRef>.size == 8 && MemoryLayout<EdgeRef>.stride == 8)
        #expect(MemoryLayout<NodeRef?>.size == 9)
        #expect(MemoryLayout<Value>.size == 17 && MemoryLayout<Value>.stride == 24)
    }

    @Test func lookupsByNameReturnTypedIDs() {
        let s = Schema.shared
        #expect(s.nodeType(named: "city") == Schema.city)
        #expect(s.nodeType(source: "events") == Schema.event)
        #expect(s.edgeType(named: "twin") == Schema.twin)
        #expect(s.edgeType(source: "fundings") == Schema.funds)
        #expect(s.nodeType(named: "twin") == nil && s.edgeType(named: "city") == nil)
        // The same position names two different types, one of each kind.
        #expect(Schema.city.index == Schema.twin.index)
        #expect(s[Schema.city].name == "city" && s[Schema.twin].name == "twin")
        #expect(s[s[Schema.funds].fromType].name == "org" && s[s[Schema.funds].toType].name == "project")
        #expect(s[s.placeType].source == "cities")
        #expect(s.twinsStep.map { s[$0.edgeType].source } == "twinnings")
    }

    @Test func everyTypeIsReachedThroughItsID() {
        let g = bundledGraph, s = g.schema
        #expect(s.nodeTypeIDs.map { s[$0].name } == s.nodeTypes.map(\.name))
        #expect(s.edgeTypeIDs.map { s[$0].source } == s.edgeTypes.map(\.source))
        for t in s.nodeTypeIDs {
            #expect(g.nodes[t].type == t)
            #expect(s.nodeType(source: s[t].source) == t)
            if g.nodes[t].count > 0 { #expect(g.hasTheColumnsOfItsType(NodeRef(type: t, index: 0))) }
        }
        for e in s.edgeTypeIDs {
            #expect(g.edges[e].type == e)
            #expect(s.edgeType(source: s[e].source) == e)
            if g.edges[e].count > 0 {
                let (a, b) = g.endpoints(EdgeRef(type: e, index: 0))
                #expect(a.type == s[e].fromType && b.type == s[e].toType)
            }
        }
        // A per-type table keeps its indexing through `mapByID` and `withIDs`.
        let counts = g.nodes.mapByID(\.count)
        #expect(counts[Schema.city] == g.nodes[Schema.city].count)
        #expect(s.edgeTypes.withIDs.allSatisfy { id, def in s[id].name == def.name })
    }

    @Test func anotherSchemaNumbersItsOwnTypes() throws {
        let s = Transit.schema
        #expect(s.nodeType(source: "zones") == Transit.zone && s.edgeType(source: "services") == Transit.serves)
        #expect(s[Transit.serves].toType == Transit.zone)
        let g = try Transit.graph()
        #expect(g.nodes[Transit.stop].count == 4 && g.edges[Transit.link].count == 3)
        #expect(g.lookup("Centrale", type: Transit.stop).map { g.id(of: $0) } == ["s1"])
        #expect(g.lookup("Centrale", type: Transit.zone).isEmpty)
    }

    /// The packed form sorts as nodes do (type, then row) and gives the node back.
    @Test func packedNodesRoundTripInOrder() {
        let nodes = [NodeRef(type: Schema.city, index: 7), NodeRef(type: Schema.city, index: 70_000),
                     NodeRef(type: Schema.org, index: 0), NodeRef(type: Schema.schedule, index: 3)]
        for n in nodes { #expect(NodeRef(packed: n.packed) == n) }
        #expect(nodes.sorted() == nodes.sorted { $0.packed < $1.packed })
        // The ID prints as its number: the snapshot's schema fingerprint and `.params` show it so.
        #expect("\(Schema.org)" == "2" && "\(Schema.funds)" == "3")
    }
}

private extension Graph {
    /// The table reached through the node's type ID has a column per field of that type.
    func hasTheColumnsOfItsType(_ n: NodeRef) -> Bool {
        nodes[n.type].columns.count == schema[n.type].fields.count && !id(of: n).isEmpty
    }
}

/// The public view of the tables (docs/architecture.md, "Public surface"): row counts and
/// degrees agree with what queries count.
@Suite struct GraphCountTests {
    @Test func countsAndDegreesAgreeWithQueries() throws {
        let g = bundledGraph
        #expect(runQuery("cities | count", graph: g, format: .csv) == "count\n\(g.count(Schema.city))\n")
        #expect(runQuery("twinnings | count", graph: g, format: .csv) == "count\n\(g.count(Schema.twin))\n")
        let clermont = try #require(g.lookup("Clermont-Ferrand", type: Schema.city).first)
        // (`twins` walks only the twinning kind: the degree counts every twin edge.)
        #expect(runQuery(#"twinnings | where from.id == "clermont-ferrand" or to.id == "clermont-ferrand" | count"#, graph: g, format: .csv)
                == "count\n\(g.degree(clermont, Schema.twin))\n")
        #expect(g.degree(clermont, Schema.twin) > 0)
        // An edge type whose ends are not cities: no edges at a city.
        #expect(g.degree(clermont, Schema.funds) == 0)
        #expect(g.nodeCount == g.schema.nodeTypeIDs.reduce(0) { $0 + g.count($1) })
        #expect(g.edgeCount == g.schema.edgeTypeIDs.reduce(0) { $0 + g.count($1) })
    }
}
