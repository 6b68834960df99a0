/// The one buffer between a running query and its writer.
///
/// It holds the first `holdRows` rows (`Session.bufferRows`), so that a query that fails
/// before its end writes nothing. At the end, or once more rows come than it holds, it calls
/// the writer's `begin` and hands it the rows held in one batch (`ResultWriter.rows`: the table
/// and markdown writers lay their columns out from that batch instead of keeping a copy of
/// their own); from then on rows go to the writer as they come. The rows held count against
/// the query's memory budget (`--max-memory`), at the query.
///
/// Rows arrive already projected by the plan's `Output` operator: the visible columns, then
/// `sources` with `--cite`, then the hidden columns a network writer draws from.
final class ResultStream {
    let writer: ResultWriter
    let header: [ResultColumn]
    let hidden: [ResultColumn]
    let query: QueryText
    let holdRows: Int
    private var held: [[Value]] = []
    private var bytes: Held
    private var streaming = false

    /// `shape` is the shape of a plan's `Output` node.
    init(_ writer: ResultWriter, shape: Shape, query: QueryText, holdRows: Int, memory: MemoryBudget) {
        self.writer = writer
        self.header = shape.columns.map { ResultColumn(name: $0.name, type: $0.type) }
        self.hidden = networkHiddenColumns.compactMap { shape.hidden[$0] }.map { ResultColumn(name: $0.name, type: $0.type) }
        self.query = query
        self.holdRows = holdRows
        self.bytes = Held(memory, "the result held before it is written", query.span)
    }

    /// Takes one row: held, or (past `holdRows`) written. Throws the writer's error as it is, or
    /// a `RuntimeError` when the rows held go over the memory budget.
    func add(_ values: [Value]) throws {
        if streaming { try writer.row(values); return }
        held.append(values)
        try bytes.add(approximateBytes(values))
        if held.count > holdRows {
            streaming = true
            try handOver()
        }
    }

    /// After the last row: the rows held (when the result never streamed), then the writer's `end`.
    func finish() throws {
        if !streaming { try handOver() }
        try writer.end()
    }

    /// Gives up the rows held (the query failed): their bytes go back to the budget.
    func release() {
        held = []
        bytes.release()
    }

    private func handOver() throws {
        if let network = writer.asNetworkWriter {
            try network.begin(header, hidden: hidden, query: query)
        } else {
            try writer.begin(header)
        }
        let batch = held
        held = []
        bytes.remove(bytes.bytes)
        try writer.rows(batch)
    }
}
