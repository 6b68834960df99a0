import Foundation
import Testing

/// Issue 14 item 2: a big CSV file is parsed in chunks on every core. The chunks must give the
/// network one pass gives, and an error anywhere keeps its exact `file:line:col` (the chunked
/// reader sends a file with any error to the sequential reader, which words it).
/// `RESEAU_TEST_CHUNK_BYTES` lowers the size from which a file is split, so that the test
/// network's files are cut in several chunks.
@Suite("Chunked load")
struct ChunkedLoadTests {
    static let chunked = ["RESEAU_TEST_CHUNK_BYTES": "65536"]

    /// A copy of the big test network with `change` applied to the text of `file`.
    func copy(changing file: String, _ change: (String) -> String) throws -> TemporaryFolder {
        let dir = TemporaryFolder()
        for f in try FileManager.default.contentsOfDirectory(atPath: BigNetwork.shared.path) where f.hasSuffix(".csv") {
            let text = try String(contentsOfFile: BigNetwork.shared.path + "/" + f, encoding: .utf8)
            dir.write(f, f == file ? change(text) : text)
        }
        return dir
    }

    let queries = [
        "cities | count", "twinnings | count",
        "cities | where population > 20000 and michelin | sort population desc | take 3 | select id, name, lat, lon, population",
        "cities | group by source: n = count() | sort source",
        "twinnings | group by kind: n = count() | sort kind",
        "city \"City 39999\" | twins | sort id | select id, edge.kind as kind",
        "path \"City 1\" to \"City 20000\"",
    ]

    func answers(_ data: String, _ env: [String: String]) throws -> [String] {
        try queries.map { q in
            let r = try reseau(["--data", data, "--no-cache", "--format", "csv", "-e", q], environment: env)
            #expect(r.status == 0, "\(q): \(r.stderr)")
            return r.stdout
        }
    }

    @Test func chunksGiveTheNetworkOnePassGives() throws {
        // Quoted fields with line feeds inside (and quotes doubled) in both files: a cut must
        // never fall inside one.
        let dir = try copy(changing: "cities.csv") { text in
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for i in stride(from: 1, to: lines.count - 1, by: 97) { lines[i] = String(lines[i].dropLast(2)) + ",\"t\n\"\"x\"\"\n\"" }
            return lines.joined(separator: "\n")
        }
        let one = try answers(dir.path, [:]), chunked = try answers(dir.path, Self.chunked)
        #expect(one == chunked)
        #expect(one[0] == "count\n40000\n")
        #expect(one[3].contains("x"), "\(one[3])")
    }

    @Test func anErrorInALaterChunkKeepsItsLineAndColumn() throws {
        // Line 35 001 of cities.csv (well past the first chunk) has a bad latitude, after
        // multi-line quoted cells that a wrong line count would show; twinnings.csv has an
        // unknown id and a pair given twice far apart.
        let cities = try copy(changing: "cities.csv") { text in
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for i in stride(from: 1, to: 30_000, by: 1000) { lines[i] = String(lines[i].dropLast(2)) + ",\"t\nu\"" }
            lines[35_000] = lines[35_000].replacingOccurrences(of: "City 34999,FR,-10.5,", with: "City 34999,FR,north,")
            return lines.joined(separator: "\n")
        }
        let r1 = try reseau(["--data", cities.path, "--no-cache", "-e", "cities | count"], environment: Self.chunked)
        #expect(r1.status == 3)
        #expect(r1.stderr == "error: \(cities.path)/cities.csv:35031:22: 'north' is not a decimal number (lat)\n", "\(r1.stderr)")

        let twins = try copy(changing: "twinnings.csv") { text in
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            lines[60_000] = lines[60_000].replacingOccurrences(of: "c", with: "x")
            lines.insert("c1,c0,1999,twinning,t", at: 70_000)
            return lines.joined(separator: "\n")
        }
        let r2 = try reseau(["--data", twins.path, "--no-cache", "-e", "twinnings | count"], environment: Self.chunked)
        let one = try reseau(["--data", twins.path, "--no-cache", "-e", "twinnings | count"])
        #expect(r2.status == 3)
        #expect(r2.stderr == one.stderr)
        #expect(r2.stderr.contains("twinnings.csv:70001:1: duplicate edge 'c1' – 'c0' (already at line 2, in either order)"), "\(r2.stderr)")
        #expect(r2.stderr.contains("twinnings.csv:60001:1: unknown city id 'x"), "\(r2.stderr)")
    }
}
