/// Chooses how a `group`/`aggregate` runs:
/// - column aggregate: `group by from|to` right on an edge scan (or column scan) whose aggregates
///   read columns of the edge or its ends: grouped on the column arrays, no input row built;
/// - dense grouping: one key that is a node of a known type: groups found through an array
///   indexed by the node's row instead of a hash table;
/// - otherwise a hash aggregate. Groups come out in first-seen order in all three.
enum AggregateRule {
    static func apply(_ p: PlanNode, _ graph: Graph) -> PlanNode {
        guard case .hashAggregate(let input, let keys, let aggs, let names) = p.op else { return p }
        if ColumnPredicates(graph: graph).canAggregateOnColumns(input, keys, aggs) {
            return PlanNode(.columnAggregate(input, keys: keys, aggregates: aggs, keyNames: names), p.shape, at: p.span)
        }
        if keys.count == 1, case .node(let t?) = keys[0].type {
            return PlanNode(.denseAggregate(input, keys: keys, aggregates: aggs, keyNames: names, nodeType: t), p.shape, at: p.span)
        }
        return p
    }
}
