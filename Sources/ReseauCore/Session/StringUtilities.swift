/// The few string and path operations Reseau took from Foundation's NSString, written out so
/// that no run of `reseau` links FoundationInternationalization and ICU (see docs/architecture.md,
/// "Start-up"). Each does what the NSString method it replaces did for Reseau's uses.

/// `s` without its leading and trailing white space and line breaks (the Unicode White_Space
/// property: `trimmingCharacters(in: .whitespacesAndNewlines)`).
public func trimmedWhitespace<S: StringProtocol>(_ s: S) -> String {
    trimmed(s) { $0.properties.isWhitespace }
}

/// `s` without its leading and trailing blanks: spaces (category Zs) and tabs, not line breaks
/// (`trimmingCharacters(in: .whitespaces)`).
public func trimmedBlanks<S: StringProtocol>(_ s: S) -> String {
    trimmed(s) { $0 == "\t" || $0.properties.generalCategory == .spaceSeparator }
}

func trimmed<S: StringProtocol>(_ s: S, _ drop: (Unicode.Scalar) -> Bool) -> String {
    let v = s.unicodeScalars
    guard let first = v.firstIndex(where: { !drop($0) }), let last = v.lastIndex(where: { !drop($0) }) else { return "" }
    var out = String.UnicodeScalarView()
    out.append(contentsOf: v[first...last])
    return String(out)
}

extension StringProtocol {
    /// Every `scalar` replaced by `replacement`, scalar by scalar (never merged into a
    /// neighbouring character as `replacing(_:with:)`'s character matching would).
    public func replacingScalar(_ scalar: Unicode.Scalar, with replacement: String) -> String {
        var out = String.UnicodeScalarView()
        for c in unicodeScalars {
            if c == scalar { out.append(contentsOf: replacement.unicodeScalars) } else { out.append(c) }
        }
        return String(out)
    }
}

/// Path operations on plain strings, as NSString's did them.
public enum Paths {
    /// `folder/file` (`appendingPathComponent`): a slash between the two unless `folder` ends
    /// with one, `file` alone when `folder` is empty.
    public static func join(_ folder: String, _ file: String) -> String {
        if folder.isEmpty { return file }
        return folder.hasSuffix("/") ? folder + file : folder + "/" + file
    }

    /// `path` without its last component (`deletingLastPathComponent`): "/a/b" → "/a",
    /// "/a" → "/", "a" → "", trailing slashes ignored.
    public static func parent(_ path: String) -> String {
        var p = Substring(path)
        while p.count > 1, p.hasSuffix("/") { p = p.dropLast() }
        guard let slash = p.lastIndex(of: "/") else { return "" }
        if slash == p.startIndex { return "/" }
        var head = p[..<slash]
        while head.count > 1, head.hasSuffix("/") { head = head.dropLast() }
        return String(head)
    }

    /// The last component of `path` (`lastPathComponent`): "/a/b/" → "b", "/" → "/".
    public static func last(_ path: String) -> String {
        var p = Substring(path)
        while p.count > 1, p.hasSuffix("/") { p = p.dropLast() }
        if p == "/" { return "/" }
        return p.lastIndex(of: "/").map { String(p[p.index(after: $0)...]) } ?? String(p)
    }
}

extension Array where Element == String {
    /// The strings with `separator` between them, as `joined(separator:)` gives, by a plain
    /// loop: the standard one goes through a generic path whose first use in a process costs a
    /// runtime conformance lookup (a scan of every conformance record of the binary), and the
    /// CSV and TSV writers run it at every start (`reseau -e`).
    func joinedPlain(_ separator: String) -> String {
        var out = ""
        for (i, s) in enumerated() {
            if i > 0 { out += separator }
            out += s
        }
        return out
    }
}
