package html

import "errors"

// Errors callers branch on. Errors returned by [Render] wrap one of
// them, an error of package archive, or an I/O error.
var (
	// ErrNotEmpty means the output folder exists and holds files, and
	// [Config.Force] is not set.
	ErrNotEmpty = errors.New("html: output folder is not empty")
	// ErrFormat means [Config.Format] is neither [FormatHTML] nor
	// [FormatMarkdown].
	ErrFormat = errors.New("html: unknown output format")
)
