import Foundation
import Testing
@testable import ReseauCore

/// Writes `text` to `path` (relative to the repository) when RESEAU_REGENERATE=1; returns whether it did.
private func regenerate(_ path: String, _ text: String) -> Bool {
    guard ProcessInfo.processInfo.environment["RESEAU_REGENERATE"] == "1" else { return false }
    try! text.write(toFile: Repo.path(path), atomically: true, encoding: .utf8)
    return true
}

/// The bundled network's image compiled into the binary (issue 14, W0): built from the embedded
/// CSV text, used only when it matches those bytes, else the CSV is parsed.
@Suite struct BundledImageTests {
    static let path = "Sources/CBundledImage/bundled_image.c"

    /// Fails while the image is stale (Data/ re-embedded, or a new snapshot format): regenerate.
    @Test func imageIsCurrent() throws {
        let g = try Loader.load(BundledSource())
        let fresh = try #require(BundledImage.encode(g, files: EmbeddedData.text(of:), schema: .shared))
        if Array(BundledImage.embedded) != fresh, regenerate(Self.path, BundledImage.cSource(fresh)) { return }
        #expect(Array(BundledImage.embedded) == fresh, "the bundled image is stale: run `RESEAU_REGENERATE=1 swift test --filter BundledImageTests`")
    }

    /// The generated C text holds exactly the image's bytes.
    @Test func theCSourceSpellsEveryByte() {
        for n in [0, 1, 23, 24, 25, 100] {
            let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ n) }
            let c = BundledImage.cSource(bytes)
            #expect(c.contains("reseau_bundled_image_size = \(n);"))
            let body = c.split(separator: "{", maxSplits: 1).last!
            let values = body.split(whereSeparator: { ",\n};".contains($0) }).map { UInt8($0.dropFirst(2), radix: 16) }
            #expect(values == bytes.map { Optional($0) })
        }
    }

    /// The image decodes to the very network the CSV load gives (same image bytes re-encoded,
    /// same answers), and the command line's load uses it.
    @Test func imageIsTheCSVNetwork() throws {
        let (g, origin) = try BundledImage.load()
        #expect(origin == .image)
        #expect(g.origin == "bundled")
        let key = try #require(BundledImage.key(files: EmbeddedData.text(of:), schema: .shared))
        #expect(Snapshot.encode(g, key: key) == Snapshot.encode(bundledGraph, key: key))
        #expect(runQuery("cities | count", graph: g, format: .csv) == "count\n\(bundledGraph.nodes[Schema.city].count)\n")
        #expect(runQuery("city \"queretaro\" | twins | count", graph: g, format: .csv)
            == runQuery("city \"queretaro\" | twins | count", format: .csv))
    }

    /// An image built from other CSV bytes is never used: one changed byte in one file, a file
    /// missing, or another schema falls back to the CSV.
    @Test func staleImageIsNotUsed() throws {
        var files = EmbeddedData.files
        #expect(BundledImage.decode(BundledImage.embedded, files: { files[$0] }, schema: .shared) != nil)
        files["cities.csv"] = files["cities.csv"]!.replacingOccurrences(of: "Clermont-Ferrand", with: "Clermont-Ferrant")
        #expect(BundledImage.decode(BundledImage.embedded, files: { files[$0] }, schema: .shared) == nil)
        files = EmbeddedData.files
        files["twinnings.csv"] = nil
        #expect(BundledImage.decode(BundledImage.embedded, files: { files[$0] }, schema: .shared) == nil)
    }

    /// A damaged image (a flipped byte, cut short, empty) is rejected, not half-read.
    @Test func damagedImageIsNotUsed() throws {
        let files = EmbeddedData.files
        var bytes = Array(BundledImage.embedded)
        bytes[bytes.count / 2] ^= 0x40
        #expect(bytes.withUnsafeBytes { BundledImage.decode($0, files: { files[$0] }, schema: .shared) } == nil)
        bytes[bytes.count / 2] ^= 0x40
        #expect(bytes.withUnsafeBytes { BundledImage.decode($0, files: { files[$0] }, schema: .shared) } != nil)
        #expect(Array(bytes.prefix(bytes.count / 2)).withUnsafeBytes { BundledImage.decode($0, files: { files[$0] }, schema: .shared) } == nil)
        #expect([UInt8]().withUnsafeBytes { BundledImage.decode($0, files: { files[$0] }, schema: .shared) } == nil)
    }
}

/// The name folding that replaced Foundation's NFKD (ICU) with our own table must give the
/// same answers: folding over Foundation's NFKD, as before, is compared on every assigned
/// scalar, on every name in Data/ and on tricky strings.
@Suite struct DecompositionTableTests {
    /// `fold` as it was: the same folding of the decomposed text, on Foundation's
    /// `decomposedStringWithCompatibilityMapping` instead of `Decompositions.nfkd`.
    static func oldFold(_ s: String) -> String {
        var ascii = true
        for b in s.utf8 where b >= 0x80 { ascii = false; break }
        if ascii { return foldASCII(s) }
        return foldDecomposed(Array(s.decomposedStringWithCompatibilityMapping.unicodeScalars))
    }

    /// Every scalar that may decompose: assigned, not a surrogate, not private use.
    static var scalars: [Unicode.Scalar] {
        (0xA0...0x10FFFF).compactMap { Unicode.Scalar(UInt32($0)) }.filter {
            switch $0.properties.generalCategory {
            case .unassigned, .privateUse, .surrogate: false
            default: true
            }
        }
    }

    static func table(_ decompose: (String) -> String) -> String {
        scalars.compactMap { c -> String? in
            if c.value >= 0xAC00 && c.value <= 0xD7A3 { return nil }
            let d = Array(decompose(String(c)).unicodeScalars)
            guard d != [c] else { return nil }
            return ([c] + d).map { String($0.value, radix: 16, uppercase: true) }.joined(separator: " ")
        }.joined(separator: "\n")
    }

    static func source(nfkd: String, nfd: String) -> String {
        """
        // Generated by DecompositionTableTests from Foundation's NFKD and NFD
        // (`decomposedStringWithCompatibilityMapping`, `decomposedStringWithCanonicalMapping`).
        // Do not edit: run `RESEAU_REGENERATE=1 swift test --filter DecompositionTableTests`.

        extension Decompositions {
            /// One line per scalar that decomposes (Hangul syllables aside): the scalar, then its full
            /// compatibility decomposition, in hexadecimal.
            static let table = \"\"\"
        \(nfkd)
        \"\"\"

            /// The same for canonical decompositions.
            static let canonicalTable = \"\"\"
        \(nfd)
        \"\"\"
        }

        """
    }

    /// The table is Foundation's NFKD and NFD of each scalar (regenerate after a toolchain update).
    @Test func tableIsFoundations() {
        let nfkd = Self.table { $0.decomposedStringWithCompatibilityMapping }
        let nfd = Self.table { $0.decomposedStringWithCanonicalMapping }
        let current = Decompositions.table == nfkd && Decompositions.canonicalTable == nfd
        if !current, regenerate("Sources/ReseauCore/Graph/DecompositionTable.swift", Self.source(nfkd: nfkd, nfd: nfd)) { return }
        #expect(current, "DecompositionTable.swift differs from Foundation's decompositions: run `RESEAU_REGENERATE=1 swift test --filter DecompositionTableTests`")
    }

    /// Skipping NFKD's canonical reordering is safe only while every scalar with a combining
    /// class is a mark (which `fold` drops).
    @Test func onlyMarksAreReordered() {
        let bad = (0...0x10FFFF).compactMap { Unicode.Scalar(UInt32($0)) }.filter {
            $0.properties.canonicalCombiningClass != .notReordered
                && ![.nonspacingMark, .spacingMark, .enclosingMark].contains($0.properties.generalCategory)
        }
        #expect(bad.isEmpty, "\(bad.prefix(5).map { String($0.value, radix: 16) })")
    }

    /// Every scalar alone, and after a letter and before a mark, folds as before.
    @Test func everyScalarFoldsAsBefore() {
        var differ: [String] = []
        for c in Self.scalars {
            for s in [String(c), "A\(c)\u{301}b"] where fold(s) != Self.oldFold(s) {
                differ.append(String(c.value, radix: 16))
            }
        }
        #expect(differ.isEmpty, "\(differ.count) differ: \(differ.prefix(10))")
    }

    static let tricky = [
        "Santiago de Querétaro", "Saint-Étienne", "Białystok", "Straße", "STRASSE", "ẞ", "İstanbul", "Kırıkkale",
        "ΟΔΟΣ", "Ὀδυσσεύς", "ǅemal", "Ǆ", "ﬁnance", "Ⅻ", "x²", "①", "Ｔｏｋｙｏ", "ｶﾀｶﾅ", "서울", "한국어", "東京",
        "Đakovo", "Æbeltoft", "Œuvre", "Ørsted", "a\u{0323}\u{0302}", "a\u{0302}\u{0323}", "e\u{301}", "\u{301}e",
        "\u{1E69}", "s\u{0323}\u{0307}", "ℌ", "㎞", "…", "Saint  Étienne’s .", "\u{00A0}Nîmes\u{00A0}", "\u{2028}x",
        "Cluj-Napoca", "Nizhny Novgorod", "Москва", "Ŀlívia", "ŉ", "ǰ", "ﷺ", "\u{0F77}", "ᾀ", "Å", "Å", "Ω", "K",
    ]

    @Test func namesAndTrickyStringsFoldAsBefore() throws {
        var names: [String] = Self.tricky
        for t in bundledGraph.nodes {
            names += t.ids
            for c in t.columns {
                if case .string(let s) = c { names += s.dictionary }
                if case .list(let l) = c { names += l.flatMap { $0 } }
            }
        }
        for n in names { #expect(fold(n) == Self.oldFold(n), "\(n)") }
    }

    /// The REPL completion's light folding (canonical decomposition) too.
    @Test func canonicalDecompositionAsBefore() {
        for s in Self.tricky + ["É", "ñ", "Å", "ǅ", "서"] {
            // Marks aside (completion drops them), in order: NFD's reordering moves only marks.
            func unmarked(_ v: [Unicode.Scalar]) -> [Unicode.Scalar] {
                v.filter { ![.nonspacingMark, .spacingMark, .enclosingMark].contains($0.properties.generalCategory) }
            }
            #expect(unmarked(Decompositions.nfd(s.unicodeScalars)) == unmarked(Array(s.decomposedStringWithCanonicalMapping.unicodeScalars)), "\(s)")
        }
    }
}

/// The string and path helpers that replaced NSString's in the start-up path.
@Suite struct StringUtilityTests {
    @Test func paths() {
        for (folder, file) in [("a", "b"), ("a/", "b"), ("/", "b"), ("", "b"), ("/x/y//", "z.csv"), (".", "c")] {
            #expect(Paths.join(folder, file) == (folder as NSString).appendingPathComponent(file), "\(folder) + \(file)")
        }
        // (NSString's own deletingLastPathComponent traps on some of these: the values it gave.)
        for (p, parent) in [("/a/b", "/a"), ("/a", "/"), ("a", ""), ("/a/b/", "/a"), ("/", "/"), ("a/b", "a"), ("/x/y/z.snapshot", "/x/y")] {
            #expect(Paths.parent(p) == parent, "\(p)")
        }
        for (p, last) in [("/bin/zsh", "zsh"), ("bash", "bash"), ("/usr/bin/fish/", "fish"), ("/", "/")] {
            #expect(Paths.last(p) == last, "\(p)")
        }
    }

    @Test func trimming() {
        for s in ["", "  ", " a b ", "\t.help\n", "\u{00A0}x\u{3000}", "\nx\n", "x\u{2028}"] {
            #expect(trimmedWhitespace(s) == s.trimmingCharacters(in: .whitespacesAndNewlines), "\(s.debugDescription)")
            #expect(trimmedBlanks(s) == s.trimmingCharacters(in: .whitespaces), "\(s.debugDescription)")
        }
        #expect("a_b__c".replacingScalar("_", with: "") == "abc")
        #expect("say \"x\"".replacingScalar("\"", with: "\\\"") == "say \\\"x\\\"")
    }
}

/// No source of the binary imports Foundation: it would link FoundationInternationalization and
/// ICU back in (tens of MB, and most of `reseau`'s start-up; docs/architecture.md, "Start-up").
@Suite struct NoFoundationTests {
    @Test func sourcesImportOnlyFoundationEssentials() throws {
        var offenders: [String] = []
        for module in ["Sources/ReseauCore", "Sources/ReseauCLI", "Sources/reseau"] {
            let root = Repo.path(module)
            guard let files = FileManager.default.enumerator(atPath: root) else { continue }
            for case let f as String in files where f.hasSuffix(".swift") {
                let text = try String(contentsOfFile: root + "/" + f, encoding: .utf8)
                for line in text.split(separator: "\n") {
                    let words = line.split(separator: " ")
                    if let i = words.firstIndex(of: "import"), i + 1 < words.count,
                       ["Foundation", "FoundationInternationalization"].contains(String(words[i + 1])) {
                        offenders.append("\(module)/\(f): \(line)")
                    }
                }
            }
        }
        #expect(offenders.isEmpty, "import FoundationEssentials instead (and Glibc, Dispatch): \(offenders)")
    }
}

/// `joinedPlain` (the CSV and TSV writers' join, free of the generic path's first-use lookup)
/// gives what `joined(separator:)` gives.
@Test func joinedPlainIsJoined() {
    for parts in [[], [""], ["a"], ["a", ""], ["", "b"], ["a", "b", "c"], ["é", "\n", "x,y"]] as [[String]] {
        for sep in [",", "\t", "", ", "] {
            #expect(parts.joinedPlain(sep) == parts.joined(separator: sep))
        }
    }
}
