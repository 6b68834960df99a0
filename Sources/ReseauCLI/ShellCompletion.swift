import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif
import ReseauCore

/// `reseau --generate-completion-script bash|zsh|fish`: completion scripts written for Reseau's
/// command line rather than ArgumentParser's generic ones, which offered a `help` subcommand
/// that does not exist, did not know `check` (dispatched before parsing), and completed nothing
/// after `--format`, `-f`, `-o` or `--data`.
///
/// What they complete: `check` as the first word; option names (`--map-size`/`--map-color`
/// take a column name, not completed); `--format` and `--color` values; query files (`*.rql`
/// and folders) after `-f` and as arguments; any file after `-o`; folders after `--data` (for
/// `check` too).
enum ShellCompletion {
    static let shells = ["bash", "zsh", "fish"]

    /// Options that take a value, and flags, of the root command.
    static let valued = ["-e", "-f", "--data", "--format", "--map-size", "--map-color", "--param", "-o", "--color",
                         "--timeout", "--max-rows", "--max-memory", "--max-path", "--max-depth", "--max-nesting", "--max-query-bytes", "--init"]
    static let flags = ["--no-header", "--timer", "--cite", "--keep-going", "--no-cache", "--no-init", "--version", "-h", "--help",
                        "--generate-completion-script"]
    static var formats: String { OutputFormat.allCases.map(\.rawValue).joined(separator: " ") }
    static let colors = ColorMode.allCases.map(\.rawValue).joined(separator: " ")

    /// The script for `shell`, nil for a shell it does not know.
    static func script(for shell: String) -> String? {
        switch shell {
        case "bash": return bash
        case "zsh": return zsh
        case "fish": return fish
        default: return nil
        }
    }

    static var bash: String {
        """
        # bash completion for reseau: source it, or put it in ~/.local/share/bash-completion/completions/reseau
        _reseau() {
            local cur="${COMP_WORDS[COMP_CWORD]}" prev=""
            (( COMP_CWORD > 0 )) && prev="${COMP_WORDS[COMP_CWORD-1]}"
            COMPREPLY=()
            if [[ "${COMP_WORDS[1]}" == check ]]; then
                case "$prev" in
                    --data) COMPREPLY=($(compgen -d -- "$cur")); return ;;
                esac
                COMPREPLY=($(compgen -W "--data -h --help" -- "$cur"))
                return
            fi
            case "$prev" in
                --format) COMPREPLY=($(compgen -W "\(formats)" -- "$cur")); return ;;
                --color) COMPREPLY=($(compgen -W "\(colors)" -- "$cur")); return ;;
                --generate-completion-script) COMPREPLY=($(compgen -W "\(shells.joined(separator: " "))" -- "$cur")); return ;;
                --data) COMPREPLY=($(compgen -d -- "$cur")); return ;;
                -o) COMPREPLY=($(compgen -f -- "$cur")); return ;;
                -f|--init) COMPREPLY=($(compgen -f -X '!*.rql' -- "$cur") $(compgen -d -- "$cur")); return ;;
                \(valued.filter { !["-f", "--init", "-o", "--data", "--format", "--color"].contains($0) }.joined(separator: "|"))) return ;;
            esac
            if [[ "$cur" == -* ]]; then
                COMPREPLY=($(compgen -W "\((valued + flags).joined(separator: " "))" -- "$cur"))
                return
            fi
            (( COMP_CWORD == 1 )) && COMPREPLY=($(compgen -W "check" -- "$cur"))
            COMPREPLY+=($(compgen -f -X '!*.rql' -- "$cur") $(compgen -d -- "$cur"))
        }
        complete -o filenames -F _reseau reseau

        """
    }

    static var zsh: String {
        """
        #compdef reseau
        # zsh completion for reseau: put it in a folder of $fpath as _reseau
        _reseau() {
            if [[ ${words[2]} == check ]]; then
                _arguments '--data[the folder of CSV files to check]:folder:_directories' '(- *)'{-h,--help}'[show help]'
                return
            fi
            _arguments -s \\
                '*-e[run QUERY]:query: ' \\
                '*-f[run the queries of FILE]:query file:_files -g "*.rql"' \\
                '--data[load the network from the CSV files of DIR]:folder:_directories' \\
                '--format[output format]:format:(\(formats))' \\
                '--map-size[with --format svg: dot areas by column COL]:column: ' \\
                '--map-color[with --format svg: dot colours by column COL]:column: ' \\
                '*--param[bind $NAME to VALUE]:NAME=VALUE: ' \\
                '-o[write the results to FILE]:file:_files' \\
                '--no-header[leave out the header row]' \\
                '--timer[print the time each query takes]' \\
                '--color[colour]:when:(\(colors))' \\
                '--keep-going[run every query even after one fails]' \\
                '--cite[add a sources column: the seed lines behind each row]' \\
                '--timeout[stop a query after SECONDS]:seconds: ' \\
                '--max-rows[rows a sort, group, … may hold]:rows: ' \\
                '--max-memory[memory one query may keep]:size: ' \\
                '--max-path[longest path … max N]:length: ' \\
                '--max-depth[deepest follow … depth]:depth: ' \\
                '--max-nesting[nesting depth of expressions]:depth: ' \\
                '--max-query-bytes[longest query text]:bytes: ' \\
                '--no-cache[parse the CSV files even when cached]' \\
                '--init[start-up file of the prompt]:file:_files -g "*.rql"' \\
                '--no-init[no start-up file]' \\
                '--generate-completion-script[print a completion script]:shell:(\(shells.joined(separator: " ")))' \\
                '(- *)--version[show the version]' \\
                '(- *)'{-h,--help}'[show help]' \\
                '*:query file:->files'
            if [[ $state == files ]]; then
                if (( CURRENT == 2 )); then
                    _alternative 'commands:command:((check\\:"check a network'"'"'s CSV files"))' 'files:query file:_files -g "*.rql"'
                else
                    _files -g "*.rql"
                fi
            fi
        }
        _reseau "$@"

        """
    }

    static var fish: String {
        var s = """
        # fish completion for reseau: put it in ~/.config/fish/completions/reseau.fish
        complete -c reseau -f
        complete -c reseau -n __fish_use_subcommand -a check -d "check a network's CSV files"
        complete -c reseau -n '__fish_seen_subcommand_from check' -l data -x -a '(__fish_complete_directories)' -d 'the folder of CSV files'
        complete -c reseau -n 'not __fish_seen_subcommand_from check' -a '(__fish_complete_suffix .rql)'
        complete -c reseau -s e -x -d 'run QUERY'
        complete -c reseau -s f -r -a '(__fish_complete_suffix .rql)' -d 'run the queries of FILE'
        complete -c reseau -l data -x -a '(__fish_complete_directories)' -d 'load the network from DIR'
        complete -c reseau -l format -x -a '\(formats)' -d 'output format'
        complete -c reseau -l param -x -d 'bind $NAME to VALUE'
        complete -c reseau -s o -r -F -d 'write the results to FILE'
        complete -c reseau -l init -r -a '(__fish_complete_suffix .rql)' -d 'start-up file of the prompt'
        complete -c reseau -l color -x -a '\(colors)' -d 'colour'
        complete -c reseau -l generate-completion-script -x -a '\(shells.joined(separator: " "))' -d 'print a completion script'

        """
        for o in ["map-size", "map-color", "timeout", "max-rows", "max-memory", "max-path", "max-depth", "max-nesting", "max-query-bytes"] {
            s += "complete -c reseau -l \(o) -x\n"
        }
        for f in ["no-header", "timer", "cite", "keep-going", "no-cache", "no-init", "version", "help"] {
            s += "complete -c reseau -l \(f)\n"
        }
        return s
    }

    /// Handles `--generate-completion-script [SHELL]` (or `=SHELL`; default: `$SHELL`'s name)
    /// anywhere in `args`; nil when it is not there, else the exit status.
    static func handle(_ args: [String]) -> Int32? {
        guard let i = args.firstIndex(where: { $0 == "--generate-completion-script" || $0.hasPrefix("--generate-completion-script=") }) else { return nil }
        var shell: String
        if let eq = args[i].firstIndex(of: "=") {
            shell = String(args[i][args[i].index(after: eq)...])
        } else if i + 1 < args.count, !args[i + 1].hasPrefix("-") {
            shell = args[i + 1]
        } else {
            shell = Paths.last(ProcessInfo.processInfo.environment["SHELL"] ?? "bash")
        }
        guard let script = script(for: shell) else {
            Console.errorLine("error: no completion script for '\(shell)'; shells: \(shells.joined(separator: ", "))")
            return ExitStatus.usage.rawValue
        }
        StdoutOutput().print(script)
        return 0
    }
}
