/// Dates of three precisions — a year (`2021`), a month (`2021-10`) or a day (`2021-10-12`) —
/// kept as their ISO text, so that the text's length is the precision. docs/language.md,
/// "Dates", says how they compare; this file holds the calendar arithmetic.
public enum Dates {
    /// What `check` finds in a date's text.
    public enum Check: Equatable, Sendable {
        case valid
        /// Not `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; the detail says what was expected.
        case badFormat(String)
        case noMonth(Int)
        case noDay(year: Int, month: Int, daysInMonth: Int)
    }

    /// The one calendar check of dates (the lexer's `@…` literals, `date(…)`, the loader's date
    /// fields): the form `YYYY`, `YYYY-MM` or `YYYY-MM-DD` with a month and a day that exist
    /// (29 February only in a leap year). Each caller words the problem its own way.
    public static func check(_ s: String) -> Check {
        let b = Array(s.utf8)
        guard b.count == 4 || b.count == 7 || b.count == 10 else { return .badFormat("expected YYYY, YYYY-MM or YYYY-MM-DD") }
        guard let y = digits(b, 0..<4) else { return .badFormat("the year must be four digits") }
        if b.count == 4 { return .valid }
        guard b[4] == 0x2D, let m = digits(b, 5..<7) else { return .badFormat("expected YYYY-MM") }
        guard (1...12).contains(m) else { return .noMonth(m) }
        if b.count == 7 { return .valid }
        guard b[7] == 0x2D, let d = digits(b, 8..<10) else { return .badFormat("expected YYYY-MM-DD") }
        let last = daysIn(month: m, year: y)
        return (1...last).contains(d) ? .valid : .noDay(year: y, month: m, daysInMonth: last)
    }

    /// Why `s` is not a date, in the words of a query error, or nil when it is one.
    public static func problem(_ s: String) -> String? {
        switch check(s) {
        case .valid: nil
        case .badFormat(let detail): detail
        case .noMonth(let m): "there is no month \(m)"
        case .noDay(let y, let m, let last): "\(String(format2: m))/\(y) has \(last) days"
        }
    }

    /// The number written by the ASCII digits of `b` in `r`; nil past the end or on a non-digit.
    static func digits(_ b: [UInt8], _ r: Range<Int>) -> Int? {
        guard r.upperBound <= b.count else { return nil }
        var v = 0
        for i in r { guard b[i] >= 0x30 && b[i] <= 0x39 else { return nil }; v = v * 10 + Int(b[i] - 0x30) }
        return v
    }

    static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    static func daysIn(month m: Int, year y: Int) -> Int {
        switch m {
        case 2: isLeap(y) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// The year, month or day of a date's text; nil when the date is coarser than asked.
    public static func part(_ s: String, _ which: Int) -> Int? {
        digits(Array(s.utf8), which == 0 ? 0..<4 : which == 1 ? 5..<7 : 8..<10)
    }

    /// Days from 1970-01-01 to a day-precision date (Howard Hinnant's days_from_civil).
    static func dayNumber(_ s: String) -> Int? {
        guard s.utf8.count == 10, let y = part(s, 0), let m = part(s, 1), let d = part(s, 2) else { return nil }
        return ymd(y, m, d)
    }

    /// Days from `a` to `b` (negative when `b` is earlier); nil unless both are days.
    public static func daysBetween(_ a: String, _ b: String) -> Int? {
        guard let x = dayNumber(a), let y = dayNumber(b) else { return nil }
        return y - x
    }

    /// The first and last day (as day numbers) of the year, month or day a date names.
    @inline(__always)
    public static func interval(_ s: String) -> (first: Int, last: Int)? {
        guard let y = part(s, 0) else { return nil }
        let n = s.utf8.count
        if n == 4 { return (ymd(y, 1, 1), ymd(y, 12, 31)) }
        guard let m = part(s, 1) else { return nil }
        if n == 7 { return (ymd(y, m, 1), ymd(y, m, daysIn(month: m, year: y))) }
        guard let d = part(s, 2) else { return nil }
        let k = ymd(y, m, d)
        return (k, k)
    }

    static func ymd(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468
    }

    /// `x OP y` on dates, each taken as the span of days it names (a year, a month, a day):
    /// true when it holds for every day of `x`, false when it fails for every day, null (nil)
    /// otherwise. `x <= y`: x ends no later than y ends; `x >= y`: x starts no earlier than y
    /// starts; `x == y`: x lies within y. So `@2022-03-11 <= @2022` and `@2021-10 == @2021` are
    /// true, `@2021 == @2021-10` is null (the year may or may not be that month), and two dates
    /// of the same precision always compare to true or false.
    static func compare(_ op: BinaryOp, _ x: String, _ y: String) -> Bool? {
        guard let a = interval(x), let b = interval(y) else { return nil }
        switch op {
        case .eq, .ne:
            let r: Bool? = a.first >= b.first && a.last <= b.last ? true : (a.last < b.first || a.first > b.last) ? false : nil
            return op == .eq ? r : r.map { !$0 }
        case .le: return a.last <= b.last ? true : a.first > b.last ? false : nil
        case .gt: return a.first > b.last ? true : a.last <= b.last ? false : nil
        case .ge: return a.first >= b.first ? true : a.last < b.first ? false : nil
        case .lt: return a.last < b.first ? true : a.first >= b.first ? false : nil
        default: return nil
        }
    }
}

extension String {
    /// Two digits with a leading zero.
    init(format2 v: Int) { self = v < 10 ? "0\(v)" : "\(v)" }
}
