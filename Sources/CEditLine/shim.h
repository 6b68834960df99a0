// libedit for Swift. The readline-compatible API of <editline/readline.h> is
// callable directly; the native el_set/history calls are C variadics, which
// Swift cannot call, so the few we need are wrapped here as static inlines
// (the pattern of GRDB's GRDBSQLite shim).
#ifndef RESEAU_CEDITLINE_SHIM_H
#define RESEAU_CEDITLINE_SHIM_H
#include <stdio.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <editline/readline.h>
#include <histedit.h>

/// Sets the libedit editor (emacs or vi) of an EditLine handle.
static inline int reseau_el_set_editor(EditLine *el, const char *mode) {
    return el_set(el, EL_EDITOR, mode);
}

/// Appends one entry to a native history.
static inline int reseau_history_enter(History *h, const char *line) {
    HistEvent ev;
    return history(h, &ev, H_ENTER, line);
}

/// Installs `handler` for `sig` with sigaction. Without `restart`, a blocking read is
/// interrupted (EINTR) so that SIGTERM at the prompt ends the REPL. A signal ignored on entry
/// (SIGINT for a background job of a shell script) stays ignored: returns 1.
static inline int reseau_install_signal(int sig, void (*handler)(int), int restart) {
    struct sigaction sa, old;
    if (sigaction(sig, NULL, &old) == 0 && old.sa_handler == SIG_IGN) return 1;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = restart ? SA_RESTART : 0;
    return sigaction(sig, &sa, NULL);
}

/// Sets `sig`'s disposition to SIG_DFL or SIG_IGN (macros Swift does not import).
static inline int reseau_signal_disposition(int sig, void (*disposition)(int)) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = disposition;
    sigemptyset(&sa.sa_mask);
    return sigaction(sig, &sa, NULL);
}

/// Gives `sig` its default action (SIGTSTP: stop the process).
static inline int reseau_default_signal(int sig) { return reseau_signal_disposition(sig, SIG_DFL); }

/// Ignores `sig` (SIGPIPE: a closed stdout then shows up as EPIPE from write(2)).
static inline int reseau_ignore_signal(int sig) { return reseau_signal_disposition(sig, SIG_IGN); }

/// Width of the terminal on `fd` in cells, or 0 when `fd` is not a terminal.
static inline int reseau_terminal_columns(int fd) {
    struct winsize ws;
    if (ioctl(fd, TIOCGWINSZ, &ws) != 0) return 0;
    return ws.ws_col;
}
#endif
