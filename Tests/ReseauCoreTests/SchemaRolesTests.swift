import Foundation
import Testing
@testable import ReseauCore

/// A network that shares no type, file or field name with the bundled one: every role
/// (name, aliases, coordinates, source, place, reference, kind, parallel-edge key, the place
/// type and the `twins` step) is declared on its schema, and the loader, checker, executor and
/// writers must find them there (issue 10, item 6).
enum Transit {
    static let stop = NodeTypeID(0), zone = NodeTypeID(1)
    static let link = EdgeTypeID(0), serves = EdgeTypeID(1)

    static let schema = Schema(
        nodeTypes: [
            NodeTypeDef(name: "stop", source: "stops", file: "stops.csv", idColumn: "ref",
                        roles: NodeRoles(name: "label", aliases: "other_names", latitude: "y", longitude: "x", source: "origin",
                                         reference: NodeReference(field: "zone_code", type: Transit.zone, copies: [(into: "zone_title", from: "title")])),
                        fields: [
                            FieldDef("label", .string, required: true),
                            FieldDef("zone_code", .string, required: true),
                            FieldDef("zone_title", .string, inFile: false),
                            FieldDef("y", .decimal),
                            FieldDef("x", .decimal),
                            FieldDef("other_names", .list),
                            FieldDef("origin", .string, required: true),
                        ], doc: "a stop"),
            NodeTypeDef(name: "zone", source: "zones", file: "zones.csv", idColumn: "code", idField: "code",
                        roles: NodeRoles(name: "title", source: "origin"),
                        fields: [
                            FieldDef("title", .string, required: true),
                            FieldDef("origin", .string, required: true),
                            FieldDef("code", .string, inFile: false),
                        ], doc: "a fare zone"),
        ],
        edgeTypes: [
            EdgeTypeDef(name: "link", source: "links", file: "links.csv", fromColumn: "a", toColumn: "b",
                        fromType: Transit.stop, toType: Transit.stop, undirected: true, kind: "mode", fields: [
                            FieldDef("mode", .string, required: true),
                            FieldDef("source", .string, required: true),
                        ], doc: "two stops one ride apart"),
            EdgeTypeDef(name: "serves", source: "services", file: "services.csv", fromColumn: "stop", toColumn: "zone",
                        fromType: Transit.stop, toType: Transit.zone, undirected: false, parallelKey: ["year"], fields: [
                            FieldDef("year", .int),
                            FieldDef("source", .string, required: true),
                        ], doc: "a stop served a zone in a year"),
        ],
        placeType: Transit.stop,
        twinsStep: (edgeType: Transit.link, kind: "rail")
    )

    static let files: [String: String] = [
        "stops.csv": """
            ref,label,zone_code,y,x,other_names,origin
            s1,Gare Centrale,Z1,48.85,2.35,Centrale;GC,map:1
            s2,Pont Neuf,Z1,48.86,2.34,,map:2
            s3,Les Hauts,Z2,45.76,4.84,,map:3
            s4,Le Port,Z2,43.30,5.37,,map:4

            """,
        "zones.csv": """
            code,title,origin
            Z1,Centre,zones.txt:1
            Z2,Périphérie,zones.txt:2

            """,
        "links.csv": """
            a,b,mode,source
            s1,s2,rail,links:1
            s2,s3,bus,links:2
            s3,s1,rail,links:3

            """,
        "services.csv": """
            stop,zone,year,source
            s1,Z1,2020,svc:1
            s1,Z1,2021,svc:2

            """,
    ]

    /// The files in a new folder, `change` applied to one of them.
    static func folder(changing file: String? = nil, _ change: (String) -> String = { $0 }) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reseau-transit-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for (name, text) in files {
            try (name == file ? change(text) : text).write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
        }
        return dir
    }

    static func graph() throws -> Graph {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        return try Loader.load(FolderSource(dir), schema: schema)
    }
}

@Suite("Schema roles")
struct SchemaRolesTests {
    @Test func lookupsUseTheNameAndAliasRoles() throws {
        let g = try Transit.graph()
        #expect(runQuery(#"stop "gare centrale" | select label"#, graph: g, format: .csv) == "label\nGare Centrale\n")
        #expect(runQuery(#"stop "GC" | select label"#, graph: g, format: .csv) == "label\nGare Centrale\n")
        // A bare name is the schema's place type.
        #expect(runQuery(#"path "Pont Neuf" to "Les Hauts" | select step, node.label as label"#, graph: g, format: .csv)
                == "step,label\n0,Pont Neuf\n1,Les Hauts\n")
        // The name property of a pattern follows the same rules.
        #expect(runQuery(#"match (s:stop {label: "centrale"}) | select s.label"#, graph: g, format: .csv) == "label\nGare Centrale\n")
    }

    @Test func referenceAndIdFieldsAreComputed() throws {
        let g = try Transit.graph()
        #expect(runQuery("stops | sort label | select label, zone_title", graph: g, format: .csv)
                == "label,zone_title\nGare Centrale,Centre\nLe Port,Périphérie\nLes Hauts,Périphérie\nPont Neuf,Centre\n")
        #expect(runQuery("zones | sort code | select code", graph: g, format: .csv) == "code\nZ1\nZ2\n")
    }

    @Test func coordinatesServeNearestAndDistance() throws {
        let g = try Transit.graph()
        #expect(runQuery(#"stop "Le Port" | nearest stops take 1 | select label"#, graph: g, format: .csv) == "label\nLes Hauts\n")
        #expect(runQuery(#"match (a:stop {label: "Gare Centrale"}), (b:stop {label: "Pont Neuf"}) | select round(distance(a, b), 1) as km"#,
                         graph: g, format: .csv) == "km\n1.3\n")
        // A lookup inside an expression (`stop "…"`), as `city "…"` is on the bundled network:
        // the parser once knew only the bundled types' words there.
        #expect(runQuery(#"stop "Gare Centrale" | select round(distance(node, stop "Pont Neuf"), 1) as km"#,
                         graph: g, format: .csv) == "km\n1.3\n")
        // A type without coordinates is refused by name.
        #expect(runQuery(#"stop "Gare Centrale" | nearest zones"#, graph: g).contains("zones have no coordinates"))
    }

    @Test func twinsWalksTheDeclaredEdgeAndKind() throws {
        let g = try Transit.graph()
        #expect(runQuery(#"stop "Pont Neuf" | twins | select label"#, graph: g, format: .csv) == "label\nGare Centrale\n")
        #expect(runQuery(#"zones | twins"#, graph: g).contains("'twins' needs stop rows, these rows are zones"))
    }

    @Test func citationsReadTheSourceRole() throws {
        let g = try Transit.graph()
        #expect(runQuery(#"zone "Centre" | select title"#, graph: g, format: .csv, cite: true) == "title,sources\nCentre,zones.txt:1\n")
    }

    @Test func loadChecksFollowTheRoles() throws {
        // Coordinates are range-checked under their own names.
        let far = try Transit.folder(changing: "stops.csv") { $0.replacingOccurrences(of: "45.76,4.84", with: "98.90,2.40") }
        // The reference's message names the reference field.
        let zone = try Transit.folder(changing: "stops.csv") { $0.replacingOccurrences(of: "s4,Le Port,Z2", with: "s4,Le Port,Z9") }
        // Undirected edges are never doubled; services, which have a parallel key, may repeat a pair.
        let twice = try Transit.folder(changing: "links.csv") { $0 + "s2,s1,rail,links:4\n" }
        let again = try Transit.folder(changing: "services.csv") { $0 + "s1,Z1,2022,svc:3\n" }
        defer { for dir in [far, zone, twice, again] { try? FileManager.default.removeItem(atPath: dir) } }
        func errors(_ dir: String) -> [String] {
            do { _ = try Loader.load(FolderSource(dir), schema: Transit.schema); return [] } catch {
                return error.errors.map { $0.description.replacingOccurrences(of: dir + "/", with: "") }
            }
        }
        #expect(errors(far) == ["stops.csv:4:17: y 98.9 is out of range (-90…90)"])
        #expect(errors(zone) == ["stops.csv:5:12: unknown zone code 'Z9' (not in zones.csv) (did you mean 'Z1'?)"])
        #expect(errors(twice) == ["links.csv:5:1: duplicate edge 's2' – 's1' (already at line 2, in either order)"])
        #expect(errors(again) == [])
    }
}
