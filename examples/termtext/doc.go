// Package termtext makes untrusted text safe to print on a terminal.
//
// Names, aliases and URLs read from archives, CSV files and remote
// servers can hold escape sequences (ESC, BEL, CSI) that a terminal
// obeys: they can clear the screen, rewrite what was printed, set the
// window title or, in some terminals, run commands. Bidirectional
// overrides can make text read differently from what it is. [Escape]
// writes such characters as visible Go-style escapes; [JSON] does the
// same inside JSON text, keeping its meaning.
//
// The example programs under examples/ print through it; it is public so
// that a program copied out of examples/ still builds, and so that tools
// which show archive or server text on a terminal can do the same.
package termtext
