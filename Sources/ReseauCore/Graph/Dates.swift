/// Dates of three precisions — a year (`2021`), a month (`2021-10`) or a day (`2021-10-12`) —
/// kept as their ISO text, so that the text's length is the precision. docs/language.md,
/// "Dates", says how they compare; this file holds the calendar arithmetic.
public enum Dates {
    /// Why `s` is not a date of the form `YYYY`, `YYYY-MM` or `YYYY-MM-DD` with a month and a
    /// day that exist (29 February only in a leap year), or nil when it is one.
    public static func problem(_ s: String) -> String? {
        let b = Array(s.utf8)
        func digits(_ r: Range<Int>) -> Int? {
            guard r.upperBound <= b.count else { return nil }
            var v = 0
            for i in r { guard b[i] >= 0x30 && b[i] <= 0x39 else { return nil }; v = v * 10 + Int(b[i] - 0x30) }
            return v
        }
        guard b.count == 4 || b.count == 7 || b.count == 10 else { return "expected YYYY, YYYY-MM or YYYY-MM-DD" }
        guard let y = digits(0..<4) else { return "the year must be four digits" }
        if b.count == 4 { return nil }
        guard b[4] == 0x2D, let m = digits(5..<7) else { return "expected YYYY-MM" }
        guard (1...12).contains(m) else { return "there is no month \(m)" }
        if b.count == 7 { return nil }
        guard b[7] == 0x2D, let d = digits(8..<10) else { return "expected YYYY-MM-DD" }
        let last = daysIn(month: m, year: y)
        guard (1...last).contains(d) else { return "\(String(format2: m))/\(y) has \(last) days" }
        return nil
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
        let b = Array(s.utf8)
        let r: Range<Int> = which == 0 ? 0..<4 : which == 1 ? 5..<7 : 8..<10
        guard r.upperBound <= b.count else { return nil }
        var v = 0
        for i in r { guard b[i] >= 0x30 && b[i] <= 0x39 else { return nil }; v = v * 10 + Int(b[i] - 0x30) }
        return v
    }

    /// Days from 1970-01-01 to a day-precision date (Howard Hinnant's days_from_civil).
    static func dayNumber(_ s: String) -> Int? {
        guard let y0 = part(s, 0), let m = part(s, 1), let d = part(s, 2) else { return nil }
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// Days from `a` to `b` (negative when `b` is earlier); nil unless both are days.
    public static func daysBetween(_ a: String, _ b: String) -> Int? {
        guard let x = dayNumber(a), let y = dayNumber(b) else { return nil }
        return y - x
    }

    /// Order of two dates for `<`, `<=`, `>`, `>=`, `==`, `!=`: compared at the coarser of their
    /// precisions, so `2022-03-11 <= @2022` (the day lies in that year) and `2021-10 == @2021`.
    @inline(__always)
    public static func compareCoarse(_ a: String, _ b: String) -> Int {
        let n = min(a.utf8.count, b.utf8.count)
        var i = a.utf8.startIndex, j = b.utf8.startIndex
        for _ in 0..<n {
            let x = a.utf8[i], y = b.utf8[j]
            if x != y { return x < y ? -1 : 1 }
            i = a.utf8.index(after: i); j = b.utf8.index(after: j)
        }
        return 0
    }
}

extension String {
    /// Two digits with a leading zero.
    init(format2 v: Int) { self = v < 10 ? "0\(v)" : "\(v)" }
}
