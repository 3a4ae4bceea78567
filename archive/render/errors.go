package render

import (
	"errors"
	"fmt"
)

// Errors callers branch on. Errors returned by [Renderer.WriteSite] and
// [Renderer.WriteMarkdown] wrap one of them, an error of package
// archive, or an I/O error.
var (
	// ErrNotEmpty means the output folder exists and holds files, and
	// [Renderer.Force] is not set.
	ErrNotEmpty = errors.New("render: output folder is not empty")
	// ErrLimit means the rendering reached one of the [Limits]; the
	// error is a [*LimitError] naming it. What was written before stays.
	ErrLimit = errors.New("render: output limit reached")
)

// LimitError says which of the [Limits] a rendering reached. It unwraps
// to [ErrLimit].
type LimitError struct {
	Limit string // "MaxPosts", "MaxPages" or "MaxBytes"
	Max   int64  // its value
}

// Error names the limit and its value.
func (e *LimitError) Error() string {
	return fmt.Sprintf("render: output limit reached: %s is %d", e.Limit, e.Max)
}

// Unwrap returns [ErrLimit].
func (e *LimitError) Unwrap() error { return ErrLimit }
