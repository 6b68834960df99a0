import Foundation
import Testing
import ReseauCore

/// Every example in docs/language.md runs: each ```rql block must run without error on the
/// bundled network; each ```rql-error block must fail with the message written in the block's
/// first comment line (`# error: …`).
struct DocExample: CustomTestStringConvertible, Sendable {
    let file: String
    let line: Int
    let code: String
    let expectsError: Bool
    var testDescription: String { "\(file):\(line)" }

    static func all(in file: String) -> [DocExample] {
        guard let text = try? String(contentsOfFile: Repo.path(file), encoding: .utf8) else { return [] }
        var out: [DocExample] = []
        var block: [String]? = nil, start = 0, isError = false
        for (i, line) in text.components(separatedBy: "\n").enumerated() {
            if block == nil, line.hasPrefix("```rql") {
                block = []; start = i + 2; isError = line.hasPrefix("```rql-error")
            } else if block != nil, line.hasPrefix("```") {
                out.append(DocExample(file: file, line: start, code: block!.joined(separator: "\n"), expectsError: isError))
                block = nil
            } else if block != nil {
                block!.append(line)
            }
        }
        return out
    }
}

@Suite("Docs")
struct DocsTests {
    @Test func referenceHasExamples() {
        #expect(DocExample.all(in: "docs/language.md").count >= 40)
    }

    @Test(arguments: DocExample.all(in: "docs/language.md") + DocExample.all(in: "README.md"))
    func example(_ e: DocExample) {
        let out = runQuery(e.code, name: e.testDescription)
        if e.expectsError {
            let expected = e.code.components(separatedBy: "\n").first { $0.hasPrefix("# error: ") }.map { String($0.dropFirst(2)) }
            #expect(out.contains("error: "), "\(e.testDescription): expected an error")
            if let expected { #expect(out.contains(expected), "\(e.testDescription): expected '\(expected)' in:\n\(out)") }
        } else {
            #expect(!out.contains("error: "), "\(e.testDescription):\n\(out)")
        }
    }
}
