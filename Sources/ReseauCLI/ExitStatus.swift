import ReseauCore

/// The exit statuses of `reseau`, as `--help` and README.md list them.
public enum ExitStatus: Int32, Sendable {
    /// Every query ran.
    case success = 0
    /// A query failed (lex, parse, check or run error, or the time limit).
    case queryFailed = 1
    /// The command line was wrong: an unknown flag or format, a bad `--param`, a missing file.
    case usage = 2
    /// The network failed to load (`--data DIR`, `check`).
    case dataFailed = 3
    /// Ctrl-C or SIGTERM.
    case interrupted = 130
}

/// An error of the command line itself, with the status it exits with.
public enum CLIError: Error, CustomStringConvertible, Equatable {
    /// A usage error (exit 2).
    case usage(String)
    /// The data failed to load (exit 3); the text is `LoadFailure.description`.
    case data(String)
    /// A query text over `--max-query-bytes`, found while it was read (exit 1).
    case tooLong(String)

    public var description: String {
        switch self {
        case .usage(let m): "error: \(m)"
        case .data(let m): m
        case .tooLong(let m): "error: \(m)"
        }
    }

    public var status: ExitStatus {
        switch self {
        case .usage: .usage
        case .data: .dataFailed
        case .tooLong: .queryFailed
        }
    }
}
