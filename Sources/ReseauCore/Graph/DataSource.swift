import Foundation

/// Where the CSV files of a network come from.
public protocol DataSource: Sendable {
    /// A name for messages: the folder path, or "bundled".
    var name: String { get }
    /// The bytes of `file`, or nil when the file does not exist.
    func read(_ file: String) throws -> [UInt8]?
    /// The path to show in messages for `file`.
    func path(of file: String) -> String
}

/// A folder of CSV files on disk.
public struct FolderSource: DataSource {
    public let folder: String
    public init(_ folder: String) { self.folder = folder }
    public var name: String { folder }
    public func path(of file: String) -> String { (folder as NSString).appendingPathComponent(file) }
    public func read(_ file: String) throws -> [UInt8]? {
        let p = path(of: file)
        guard FileManager.default.fileExists(atPath: p) else { return nil }
        guard let d = FileManager.default.contents(atPath: p) else {
            throw DataError(file: p, line: 0, column: 0, message: "cannot read the file (permissions?)")
        }
        return [UInt8](d)
    }
}

/// The network compiled into the binary (see `EmbeddedData.swift`).
public struct BundledSource: DataSource {
    public init() {}
    public var name: String { "bundled" }
    public func path(of file: String) -> String { "<bundled>/" + file }
    public func read(_ file: String) throws -> [UInt8]? {
        EmbeddedData.files[file].map { Array($0.utf8) }
    }
}
