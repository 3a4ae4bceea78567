// Package termtext makes untrusted text safe to print on a terminal.
//
// Names, aliases and URLs read from archives, CSV files and remote
// servers can hold escape sequences (ESC, BEL, CSI) that a terminal
// obeys: they can clear the screen, rewrite what was printed, set the
// window title or, in some terminals, run commands. Bidirectional
// overrides can make text read differently from what it is. [Escape]
// writes such characters as visible Go-style escapes; [JSON] does the
// same inside JSON text, keeping its meaning.
package termtext
