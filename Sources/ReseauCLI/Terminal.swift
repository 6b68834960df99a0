@preconcurrency import CEditLine
import FoundationEssentials
import ReseauCore
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// `--color auto|always|never`.
public enum ColorMode: String, CaseIterable, Sendable {
    case auto, always, never
}

/// What the process is connected to.
public enum Terminal {
    /// True when `fd` is a terminal.
    public static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// Width of the terminal on stdout in cells: TIOCGWINSZ, else `$COLUMNS`, else nil.
    public static func width() -> Int? {
        let w = Int(reseau_terminal_columns(1))
        if w > 0 { return w }
        if let c = ProcessInfo.processInfo.environment["COLUMNS"], let n = Int(c), n > 0 { return n }
        return nil
    }

    /// Whether to colour output: `always`, `never`, or for `auto` when stdout is a terminal,
    /// `NO_COLOR` is unset or empty (no-color.org) and `TERM` is not `dumb`. `environment`
    /// (tests) replaces the process's; without it two `getenv` calls, not a copy of the whole
    /// environment (that copy was 3 % of a start).
    public static func useColor(_ mode: ColorMode, toTerminal: Bool, environment: [String: String]? = nil) -> Bool {
        func variable(_ name: String) -> String? {
            if let environment { return environment[name] }
            return getenv(name).map { String(cString: $0) }
        }
        switch mode {
        case .always: return true
        case .never: return false
        case .auto:
            if let v = variable("NO_COLOR"), !v.isEmpty { return false }
            if variable("TERM") == "dumb" { return false }
            return toTerminal
        }
    }
}
