/// The data model the language sees: node types, edge types, their fields and files.
///
/// The loader is generic over this description: adding a field to a node type means
/// adding one `FieldDef` here and one column to the CSV file.

/// One field of a node or edge type, and the CSV column it is read from.
public struct FieldDef: Sendable {
    public let name: String
    public let type: ValueType
    /// Allowed values for an enumerated string field.
    public let allowed: [String]?
    /// True when an empty cell is an error.
    public let required: Bool
    /// False for fields computed at load time (city.country, city.continent).
    public let inFile: Bool
    public let doc: String

    public init(_ name: String, _ type: ValueType, required: Bool = false, allowed: [String]? = nil,
                inFile: Bool = true, doc: String = "") {
        self.name = name; self.type = type; self.required = required
        self.allowed = allowed; self.inFile = inFile; self.doc = doc
    }
}

/// What some fields of a node type mean to the engine, beyond their value type. Code outside
/// this file asks a type for its roles (`def.nameField`, `def.coordinates`…) instead of
/// looking fields up by a literal name, so a new node type is a `NodeTypeDef` plus its file.
public struct NodeRoles: Sendable {
    /// The name: what a lookup (`city "Lyon"`) matches, what labels show, what "did you mean" offers.
    public var name: String?
    /// Other spellings a lookup also matches (a `.list` field).
    public var aliases: String?
    /// Latitude and longitude in degrees: `near`, `nearest`, `distance()`, maps. Checked at load
    /// time to lie within ±90 and ±180.
    public var latitude: String?
    public var longitude: String?
    /// Where the row comes from (`file:line` references): what `--cite` reads.
    public var source: String?
    /// A node field naming the place this node is at (`org.city`, `event.city`): maps draw the
    /// node there.
    public var place: String?
    /// A code of another node type whose fields are copied in at load time: `city.country_code`
    /// gives `city.country` and `city.continent` from `countries.csv`.
    public var reference: NodeReference?

    public init(name: String? = "name", aliases: String? = nil, latitude: String? = nil, longitude: String? = nil,
                source: String? = "source", place: String? = nil, reference: NodeReference? = nil) {
        self.name = name; self.aliases = aliases; self.latitude = latitude; self.longitude = longitude
        self.source = source; self.place = place; self.reference = reference
    }
}

/// A field that holds another node type's id, and the fields copied from that node
/// (`into` here ← `from` there). The referenced type's id also becomes one of its fields
/// when `idField` is set (`country.code`).
public struct NodeReference: Sendable {
    public let field: String
    public let type: NodeTypeID
    public let copies: [(into: String, from: String)]
    public init(field: String, type: NodeTypeID, copies: [(into: String, from: String)]) {
        self.field = field; self.type = type; self.copies = copies
    }
}

/// The index of the field a role names; a role naming no field is a mistake in the schema
/// itself, caught by every test that loads it.
private func roleField(_ role: String?, in fields: [FieldDef], of type: String) -> Int? {
    guard let role else { return nil }
    guard let i = fields.firstIndex(where: { $0.name == role }) else {
        preconditionFailure("schema: \(type) has no field '\(role)' for its role")
    }
    return i
}

/// A node's position, as two field indices of its type.
public struct CoordinateFields: Sendable, Equatable {
    public let lat: Int
    public let lon: Int
}

/// A node type: `city` read from `cities.csv`, queried as `cities`.
public struct NodeTypeDef: Sendable {
    public let name: String
    public let source: String
    public let file: String
    /// The CSV column holding the node id (`id`, or `code` for countries); `nil` when rows
    /// have no id of their own (claims), in which case the id is `TYPE-LINE`.
    public let idColumn: String?
    /// The computed field that repeats the id (`country.code`), if any.
    public let idField: String?
    /// Fields in CSV column order (computed fields last).
    public let fields: [FieldDef]
    public let roles: NodeRoles
    public let doc: String
    /// The roles as field indices (nil: the type has no such field).
    public let nameField: Int?
    public let aliasField: Int?
    public let coordinates: CoordinateFields?
    public let sourceField: Int?
    public let placeField: Int?

    public init(name: String, source: String, file: String, idColumn: String?, idField: String? = nil,
                roles: NodeRoles = NodeRoles(), fields: [FieldDef], doc: String) {
        self.name = name; self.source = source; self.file = file; self.idColumn = idColumn
        self.idField = idField; self.fields = fields; self.roles = roles; self.doc = doc
        func index(_ role: String?) -> Int? { roleField(role, in: fields, of: name) }
        nameField = index(roles.name)
        aliasField = index(roles.aliases)
        sourceField = index(roles.source)
        placeField = index(roles.place)
        if let la = index(roles.latitude), let lo = index(roles.longitude) {
            coordinates = CoordinateFields(lat: la, lon: lo)
        } else {
            coordinates = nil
        }
        _ = index(idField)
        if let r = roles.reference { _ = index(r.field); for c in r.copies { _ = index(c.into) } }
    }

    public func fieldIndex(_ name: String) -> Int? { fields.firstIndex { $0.name == name } }
}

/// An edge type: `twin` read from `twinnings.csv`, queried as `twinnings`.
public struct EdgeTypeDef: Sendable {
    public let name: String
    public let source: String
    public let file: String
    /// The CSV columns of the two endpoints (the language calls them `from` and `to`).
    public let fromColumn: String
    public let toColumn: String
    public let fromType: NodeTypeID
    public let toType: NodeTypeID
    public let undirected: Bool
    /// Attribute fields in CSV column order, after the two endpoint columns. `source` is last.
    public let fields: [FieldDef]
    /// The fields that tell parallel edges apart: a type with such a key may hold several rows
    /// between the same ends (`fundings` in several years, `visits` on several trips); one
    /// without (and every undirected type) may not: a second row is a "duplicate edge" load error.
    public let parallelKey: [String]
    /// The field that tells kinds of this edge apart (`twinnings.kind`), which the `twins`
    /// step reads.
    public let kindField: Int?
    public let sourceField: Int?
    public let doc: String

    public init(name: String, source: String, file: String, fromColumn: String, toColumn: String,
                fromType: NodeTypeID, toType: NodeTypeID, undirected: Bool, parallelKey: [String] = [], kind: String? = nil,
                fields: [FieldDef], doc: String) {
        self.name = name; self.source = source; self.file = file
        self.fromColumn = fromColumn; self.toColumn = toColumn; self.fromType = fromType; self.toType = toType
        self.undirected = undirected; self.parallelKey = parallelKey; self.fields = fields; self.doc = doc
        func index(_ role: String?) -> Int? { roleField(role, in: fields, of: name) }
        kindField = index(kind)
        sourceField = index("source")
        for k in parallelKey { _ = index(k) }
    }

    /// True when two edges between the same ends are a load error.
    public var forbidsParallelEdges: Bool { undirected || parallelKey.isEmpty }

    public func fieldIndex(_ name: String) -> Int? { fields.firstIndex { $0.name == name } }
}

/// The schema of a Reseau network.
///
/// Node and edge types are named by `NodeTypeID` and `EdgeTypeID` (their positions in
/// `nodeTypes` / `edgeTypes`): `schema[t]` is the definition of type `t`, and the lists take
/// only their own kind of ID as index.
public struct Schema: Sendable {
    public let nodeTypes: TypeIndexed<NodeTypeID, NodeTypeDef>
    public let edgeTypes: TypeIndexed<EdgeTypeID, EdgeTypeDef>
    /// The node type a bare name stands for (`"Lyon" | twins`, `path "Oyem" to "Lyon"`,
    /// `near "Lyon"`), when no lookup keyword says otherwise.
    public let placeType: NodeTypeID
    /// What the `twins` step walks: an edge type, in both directions, keeping the edges whose
    /// kind field holds `kind`.
    public let twinsStep: (edgeType: EdgeTypeID, kind: String)?

    public init(nodeTypes: [NodeTypeDef], edgeTypes: [EdgeTypeDef], placeType: NodeTypeID, twinsStep: (edgeType: EdgeTypeID, kind: String)?) {
        self.nodeTypes = TypeIndexed(nodeTypes); self.edgeTypes = TypeIndexed(edgeTypes)
        self.placeType = placeType; self.twinsStep = twinsStep
        if let t = twinsStep { precondition(self.edgeTypes[t.edgeType].kindField != nil, "schema: the twins step needs a kind field") }
    }

    /// The definition of node type `t`.
    @inlinable public subscript(t: NodeTypeID) -> NodeTypeDef { nodeTypes[t] }
    /// The definition of edge type `t`.
    @inlinable public subscript(t: EdgeTypeID) -> EdgeTypeDef { edgeTypes[t] }
    /// Every node type, in schema order.
    public var nodeTypeIDs: Range<NodeTypeID> { nodeTypes.indices }
    /// Every edge type, in schema order.
    public var edgeTypeIDs: Range<EdgeTypeID> { edgeTypes.indices }

    /// The node type called `name` (`city`).
    public func nodeType(named name: String) -> NodeTypeID? { nodeTypes.firstIndex { $0.name == name } }
    /// The node type queried as `source` (`cities`).
    public func nodeType(source: String) -> NodeTypeID? { nodeTypes.firstIndex { $0.source == source } }
    /// The edge type called `name` (`twin`).
    public func edgeType(named name: String) -> EdgeTypeID? { edgeTypes.firstIndex { $0.name == name } }
    /// The edge type queried as `source` (`twinnings`).
    public func edgeType(source: String) -> EdgeTypeID? { edgeTypes.firstIndex { $0.source == source } }

    /// The types of the bundled network (`shared`), by position.
    public static let city = NodeTypeID(0), country = NodeTypeID(1), org = NodeTypeID(2), project = NodeTypeID(3),
                       event = NodeTypeID(4), claim = NodeTypeID(5), schedule = NodeTypeID(6)
    public static let twin = EdgeTypeID(0), member = EdgeTypeID(1), partner = EdgeTypeID(2), funds = EdgeTypeID(3),
                       hosts = EdgeTypeID(4), attends = EdgeTypeID(5), visit = EdgeTypeID(6), candidate = EdgeTypeID(7),
                       adopts = EdgeTypeID(8)

    /// Continents a country may be on.
    public static let continents = ["Africa", "Asia", "Europe", "North America", "South America", "Oceania", "Antarctica"]

    /// The schema of the bundled network (and of any folder in the same format).
    public static let shared = Schema(
        nodeTypes: [
            NodeTypeDef(name: "city", source: "cities", file: "cities.csv", idColumn: "id",
                        roles: NodeRoles(aliases: "aliases", latitude: "lat", longitude: "lon",
                                         reference: NodeReference(field: "country_code", type: Schema.country,
                                                                  copies: [(into: "country", from: "name"), (into: "continent", from: "continent")])),
                        fields: [
                FieldDef("name", .string, required: true, doc: "canonical name"),
                FieldDef("country_code", .string, required: true, doc: "ISO 3166-1 alpha-2, a code of countries.csv"),
                FieldDef("country", .string, inFile: false, doc: "English country name, through country_code"),
                FieldDef("continent", .string, inFile: false, doc: "continent, through country_code"),
                FieldDef("lat", .decimal, doc: "latitude, degrees (-90…90)"),
                FieldDef("lon", .decimal, doc: "longitude, degrees (-180…180)"),
                FieldDef("population", .int, doc: "inhabitants (GeoNames)"),
                FieldDef("michelin", .bool, required: true, doc: "a Michelin production or research site (or Michelin's home)"),
                FieldDef("aliases", .list, doc: "other spellings, ';'-separated"),
                FieldDef("geonames_id", .int, doc: "GeoNames id"),
                FieldDef("source", .string, required: true, doc: "where the row comes from"),
            ], doc: "a city or town"),
            NodeTypeDef(name: "country", source: "countries", file: "countries.csv", idColumn: "code", idField: "code", fields: [
                FieldDef("name", .string, required: true, doc: "English name"),
                FieldDef("name_fr", .string, doc: "French name"),
                FieldDef("continent", .string, required: true, allowed: continents, doc: "continent"),
                FieldDef("source", .string, required: true, doc: "where the row comes from"),
                FieldDef("code", .string, inFile: false, doc: "ISO 3166-1 alpha-2 code (the id)"),
            ], doc: "a country"),
            NodeTypeDef(name: "org", source: "orgs", file: "orgs.csv", idColumn: "id", roles: NodeRoles(aliases: "aliases", place: "city"), fields: [
                FieldDef("name", .string, required: true, doc: "full name"),
                FieldDef("kind", .string, required: true, allowed: ["network", "municipality", "company", "university", "school", "association", "ministry", "public_agency", "eu_institution", "cluster", "group"], doc: "what the org is"),
                FieldDef("city", .node(Schema.city), doc: "the city it is based in"),
                FieldDef("aliases", .list, doc: "other names, ';'-separated"),
                FieldDef("source", .string, required: true, doc: "where the row comes from"),
            ], doc: "a funder, network, university, company, association, ministry…"),
            NodeTypeDef(name: "project", source: "projects", file: "projects.csv", idColumn: "id", roles: NodeRoles(aliases: "aliases"), fields: [
                FieldDef("name", .string, required: true, doc: "title"),
                FieldDef("kind", .string, required: true, allowed: ["cooperation", "programme", "festival", "residency", "contest", "camp", "network", "subsidy", "governance"], doc: "what the project is"),
                FieldDef("theme", .string, doc: "theme"),
                FieldDef("start", .date, doc: "start date"),
                FieldDef("end", .date, doc: "end date"),
                FieldDef("status", .string, allowed: ["ongoing", "completed", "planned", "cancelled", "unknown"], doc: "status"),
                FieldDef("signed", .int, doc: "year the agreement was signed"),
                FieldDef("aliases", .list, doc: "other names, ';'-separated"),
                FieldDef("source", .string, required: true, doc: "where the row comes from"),
            ], doc: "a cooperation project or programme"),
            NodeTypeDef(name: "event", source: "events", file: "events.csv", idColumn: "id", roles: NodeRoles(aliases: "aliases", place: "city"), fields: [
                FieldDef("name", .string, required: true, doc: "name"),
                FieldDef("kind", .string, required: true, allowed: ["rencontres", "general_assembly", "conference", "lab", "meeting", "festival", "camp", "vote", "other"], doc: "what the event is"),
                FieldDef("theme", .string, doc: "what it was about (French, as the seed says it)"),
                FieldDef("start", .date, doc: "first day (the last date it was held on or planned for; earlier dates in schedules)"),
                FieldDef("end", .date, doc: "last day"),
                FieldDef("status", .string, required: true, allowed: ["completed", "planned", "cancelled", "unknown"], doc: "held, still to come, or called off, as the latest seed knows it at its own date"),
                FieldDef("mode", .string, required: true, allowed: ["in_person", "online", "hybrid", "unknown"], doc: "how people took part"),
                FieldDef("city", .node(Schema.city), doc: "where it took place (or was to take place)"),
                FieldDef("part_of", .node(Schema.event), doc: "the event this one is a session of (a lab of a Rencontres, an assembly held during one)"),
                FieldDef("participants", .int, doc: "number of participants"),
                FieldDef("cities_count", .int, doc: "number of cities represented"),
                FieldDef("countries_count", .int, doc: "number of countries represented"),
                FieldDef("aliases", .list, doc: "other names, ';'-separated"),
                FieldDef("source", .string, required: true, doc: "where the row comes from"),
            ], doc: "a Rencontres, assembly, lab, conference, festival, camp…"),
            NodeTypeDef(name: "claim", source: "claims", file: "claims.csv", idColumn: nil, roles: NodeRoles(name: nil), fields: [
                FieldDef("subject", .node(nil), required: true, doc: "the node the figure is about"),
                FieldDef("field", .string, required: true, doc: "the field the figure is for"),
                FieldDef("value", .string, required: true, doc: "the figure as stated"),
                FieldDef("note", .string, doc: "the wording of the source"),
                FieldDef("source", .string, required: true, doc: "where the statement is made"),
            ], doc: "a figure stated about a node, one row per statement"),
            NodeTypeDef(name: "schedule", source: "schedules", file: "schedules.csv", idColumn: nil, roles: NodeRoles(name: nil), fields: [
                FieldDef("event", .node(Schema.event), required: true, doc: "the event"),
                FieldDef("step", .int, required: true, doc: "order of the date in the event's history (1 = first plan; two rows with one step disagree)"),
                FieldDef("start", .date, doc: "first day planned (or held)"),
                FieldDef("end", .date, doc: "last day planned (or held)"),
                FieldDef("outcome", .string, required: true, allowed: ["moved", "held", "cancelled", "planned"], doc: "what became of this date"),
                FieldDef("reason", .string, doc: "why it was moved or called off, as the seed states it (French)"),
                FieldDef("note", .string, doc: "the wording of the source"),
                FieldDef("source", .string, required: true, doc: "where the date is stated"),
            ], doc: "a date an event was planned for or held on, in order, with the reason it changed"),
        ],
        edgeTypes: [
            EdgeTypeDef(name: "twin", source: "twinnings", file: "twinnings.csv", fromColumn: "from", toColumn: "to",
                        fromType: Schema.city, toType: Schema.city, undirected: true, kind: "kind", fields: [
                FieldDef("since", .int, doc: "year the link was made"),
                FieldDef("kind", .string, required: true, allowed: ["twinning", "solidarity", "partnership"], doc: "kind of link"),
                FieldDef("source", .string, required: true, doc: "where the row comes from"),
            ], doc: "a twinning or partnership between two cities (undirected)"),
            EdgeTypeDef(name: "member", source: "memberships", file: "memberships.csv", fromColumn: "city", toColumn: "org",
                        fromType: Schema.city, toType: Schema.org, undirected: false, fields: [
                FieldDef("since", .int, doc: "year the city joined"),
                FieldDef("source", .string, required: true, doc: "where the row comes from"),
            ], doc: "a city is a member of a network"),
            EdgeTypeDef(name: "partner", source: "partnerships", file: "partnerships.csv", fromColumn: "city", toColumn: "project",
                        fromType: Schema.city, toType: Schema.project, undirected: false, fields: [
                FieldDef("role", .string, required: true, allowed: ["lead", "partner", "host", "participant"], doc: "the city's role"),
                FieldDef("source", .string, required: true, doc: "where the row comes from"),
            ], doc: "a city takes part in a project"),
            EdgeTypeDef(name: "funds", source: "fundings", file: "fundings.csv", fromColumn: "org", toColumn: "project",
                        fromType: Schema.org, toType: Schema.project, undirected: false, parallelKey: ["year"], fields: [
                FieldDef("amount", .decimal, required: true, doc: "euros"),
                FieldDef("year", .int, doc: "year of the funding"),
                FieldDef("note", .string, doc: "remark"),
                FieldDef("source", .string, required: true, doc: "where the row comes from"),
            ], doc: "an org funds a project"),
            EdgeTypeDef(name: "hosts", source: "hostings", file: "hostings.csv", fromColumn: "city", toColumn: "event",
                        fromType: Schema.city, toType: Schema.event, undirected: false, fields: [
                FieldDef("source", .string, required: true, doc: "where the row comes from"),
            ], doc: "a city hosts an event"),
            EdgeTypeDef(name: "attends", source: "attendances", file: "attendances.csv", fromColumn: "city", toColumn: "event",
                        fromType: Schema.city, toType: Schema.event, undirected: false, fields: [
                FieldDef("source", .string, required: true, doc: "where the row comes from"),
            ], doc: "a city takes part in an event"),
            EdgeTypeDef(name: "visit", source: "visits", file: "visits.csv", fromColumn: "from", toColumn: "to",
                        fromType: Schema.city, toType: Schema.city, undirected: false, parallelKey: ["trip"], fields: [
                FieldDef("trip", .string, required: true, doc: "trip id, shared by the legs of one trip"),
                FieldDef("purpose", .string, doc: "why"),
                FieldDef("start", .date, doc: "first day"),
                FieldDef("end", .date, doc: "last day"),
                FieldDef("cost", .decimal, doc: "transport cost for the city, euros (on one leg of a trip only)"),
                FieldDef("note", .string, doc: "remark"),
                FieldDef("source", .string, required: true, doc: "where the row comes from"),
            ], doc: "an official trip from one city to another"),
            EdgeTypeDef(name: "candidate", source: "candidacies", file: "candidacies.csv", fromColumn: "city", toColumn: "event",
                        fromType: Schema.city, toType: Schema.event, undirected: false, fields: [
                FieldDef("result", .string, required: true, allowed: ["chosen", "not_chosen", "pending", "unknown"], doc: "whether the city was chosen"),
                FieldDef("decision", .string, doc: "how the host was chosen, as the seed says it (French)"),
                FieldDef("decided", .date, doc: "when the choice was made"),
                FieldDef("source", .string, required: true, doc: "where the row comes from"),
            ], doc: "a city stood as candidate to host an event"),
            EdgeTypeDef(name: "adopts", source: "adoptions", file: "adoptions.csv", fromColumn: "event", toColumn: "project",
                        fromType: Schema.event, toType: Schema.project, undirected: false, fields: [
                FieldDef("outcome", .string, required: true, allowed: ["adopted", "signed", "decided", "prepared"], doc: "what the event did with the project"),
                FieldDef("note", .string, doc: "the wording of the source"),
                FieldDef("source", .string, required: true, doc: "where the row comes from"),
            ], doc: "an event adopted, signed, decided or prepared a project"),
        ],
        placeType: Schema.city,
        twinsStep: (edgeType: Schema.twin, kind: "twinning")
    )
}
