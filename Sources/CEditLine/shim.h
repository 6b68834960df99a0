// libedit for Swift. The readline-compatible API of <editline/readline.h> is
// callable directly; the native el_set/history calls are C variadics, which
// Swift cannot call, so the few we need are wrapped here as static inlines
// (the pattern of GRDB's GRDBSQLite shim).
#ifndef RESEAU_CEDITLINE_SHIM_H
#define RESEAU_CEDITLINE_SHIM_H
#include <stdio.h>
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
#endif
