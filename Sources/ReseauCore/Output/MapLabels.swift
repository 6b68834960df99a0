/// A rectangle in screen coordinates (y down).
struct Box: Sendable {
    var x0, y0, x1, y1: Double
    func overlaps(_ o: Box) -> Bool { x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1 }
    func inside(_ o: Box) -> Bool { x0 >= o.x0 && y0 >= o.y0 && x1 <= o.x1 && y1 <= o.y1 }
}

/// Where a label goes: its text anchor point and alignment.
struct PlacedLabel: Sendable {
    var x: Double
    var y: Double
    /// `start`, `middle` or `end`.
    var anchor: String
    var box: Box
    var size: Double
    /// A line from the dot to a label placed away from it (`reach` > 0).
    var leader: (x0: Double, y0: Double, x1: Double, y1: Double)?
}

/// Greedy label placement: each label, in the order given, takes the first of eight positions
/// around its point (right, left, above, below, then the corners) whose box stays in the frame
/// and overlaps no dot and no label placed before it; a label with no such position is left out.
struct LabelPlacer {
    let frame: Box
    /// Boxes taken (dots and labels), bucketed by `cell`-pixel squares so that a check looks at
    /// the neighbourhood only: placing n labels is O(n), not O(n²), for a result of many cities.
    var grid: [Int: [Box]] = [:]
    static let cell = 64.0

    init(frame: Box, dots: [Box]) {
        self.frame = frame
        for d in dots { take(d) }
    }

    func cells(_ b: Box) -> [Int] {
        let c = LabelPlacer.cell
        let x0 = Int((b.x0 / c).rounded(.down)), x1 = Int((b.x1 / c).rounded(.down))
        let y0 = Int((b.y0 / c).rounded(.down)), y1 = Int((b.y1 / c).rounded(.down))
        var out: [Int] = []
        for y in max(-4, y0)...max(-4, min(y1, y0 + 64)) { for x in max(-4, x0)...max(-4, min(x1, x0 + 64)) { out.append(y * 100_000 + x) } }
        return out
    }

    mutating func take(_ b: Box) { for k in cells(b) { grid[k, default: []].append(b) } }

    func isFree(_ b: Box, except own: Box) -> Bool {
        for k in cells(b) {
            for t in grid[k] ?? [] where t.overlaps(b) && !(t.x0 == own.x0 && t.y0 == own.y0 && t.x1 == own.x1) { return false }
        }
        return true
    }

    /// The width of `text` at `size` px, estimated from character classes (no font metrics in a
    /// self-contained file): wide (East Asian) characters 1 em, capitals and wide letters 0.72,
    /// narrow ones 0.3, the rest 0.58.
    static func width(_ text: String, size: Double) -> Double {
        var em = 0.0
        for c in text {
            if displayWidth(c) == 2 { em += 1.0; continue }
            if "iljtfrI.,;:'!|() ".contains(c) { em += 0.32 }
            else if "mwMW@%".contains(c) { em += 0.9 }
            else if c.isUppercase { em += 0.7 }
            else { em += 0.58 }
        }
        return em * size
    }

    /// Places `text` (font size `size`) beside a dot of radius `r` at (`x`, `y`), or `reach`
    /// pixels further out with a leader line; nil when every position is taken. The label may
    /// touch the dot's own box.
    mutating func place(_ text: String, x: Double, y: Double, r: Double, size: Double, reach: Double = 0) -> PlacedLabel? {
        let w = LabelPlacer.width(text, size: size), h = size * 1.15
        let gap = r + 3 + reach, diag = (r + reach) * 0.7 + 2
        // (anchor x, baseline y, alignment, box left)
        let candidates: [(Double, Double, String, Double)] = [
            (x + gap, y + size * 0.35, "start", x + gap),
            (x - gap, y + size * 0.35, "end", x - gap - w),
            (x, y - gap - size * 0.25, "middle", x - w / 2),
            (x, y + gap + size * 0.85, "middle", x - w / 2),
            (x + diag, y - diag - size * 0.2, "start", x + diag),
            (x - diag, y - diag - size * 0.2, "end", x - diag - w),
            (x + diag, y + diag + size * 0.8, "start", x + diag),
            (x - diag, y + diag + size * 0.8, "end", x - diag - w),
        ]
        for (ax, by, anchor, left) in candidates {
            let top = by - size * 0.88
            let box = Box(x0: left - 1, y0: top, x1: left + w + 1, y1: top + h)
            guard box.inside(frame) else { continue }
            let ownDot = Box(x0: x - r, y0: y - r, x1: x + r, y1: y + r)
            guard isFree(box, except: ownDot) else { continue }
            take(box)
            var leader: (Double, Double, Double, Double)? = nil
            if reach > 0 {
                let ex = max(box.x0, min(x, box.x1)), ey = max(box.y0, min(y, box.y1))
                let d = ((ex - x) * (ex - x) + (ey - y) * (ey - y)).squareRoot()
                if d > r + 1 { leader = (x + (ex - x) / d * r, y + (ey - y) / d * r, ex, ey) }
            }
            return PlacedLabel(x: ax, y: by, anchor: anchor, box: box, size: size, leader: leader)
        }
        return nil
    }
}
