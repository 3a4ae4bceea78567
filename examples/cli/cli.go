package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// Exit codes shared by every program.
const (
	ExitOK         = 0 // the work is done
	ExitFailure    = 1 // an error stopped the work (unreadable input, a server refused)
	ExitUsage      = 2 // the command line is wrong
	ExitIncomplete = 3 // the work ran, but not everything succeeded or was ready
)

// Command is one program's command line.
type Command struct {
	// Name is the program's name, used in messages.
	Name string
	// Flags holds the program's flags; define them before Parse.
	Flags *flag.FlagSet
	// Exits describes the exit codes beyond 0, 1 and 2, one line each
	// ("3  the move is not ready").
	Exits []string

	doc      string   // first paragraph of the program's doc comment
	synopsis []string // the doc comment's indented command lines
	stdout   io.Writer
	stderr   io.Writer
}

// New returns the command line of the program name, whose source is the
// text of its main.go (embedded with go:embed): -h prints the first
// paragraph of its doc comment and the command lines the comment shows.
func New(name, source string, stdout, stderr io.Writer) *Command {
	doc, synopsis := parseDoc(source)
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported by Exit, usage by -h
	c := &Command{Name: name, Flags: fs, doc: doc, synopsis: synopsis, stdout: stdout, stderr: stderr}
	return c
}

// parseDoc returns the first paragraph of the doc comment at the top of a
// Go source file, without its "Command " prefix, and the comment's
// indented lines that start with "go run" (the synopsis).
func parseDoc(source string) (doc string, synopsis []string) {
	var para []string
	inFirst := true
	for line := range strings.Lines(source) {
		line = strings.TrimRight(line, "\r\n")
		if !strings.HasPrefix(line, "//") {
			break
		}
		text := strings.TrimPrefix(line, "//")
		if code, ok := strings.CutPrefix(text, "\t"); ok {
			if strings.HasPrefix(code, "go run") {
				synopsis = append(synopsis, code)
			}
			inFirst = inFirst && len(para) == 0
			continue
		}
		text = strings.TrimPrefix(text, " ")
		if text == "" {
			if len(para) > 0 {
				inFirst = false
			}
			continue
		}
		if inFirst {
			para = append(para, text)
		}
	}
	doc = strings.Join(para, " ")
	doc = strings.TrimPrefix(doc, "Command ")
	return wrap(doc, 76), synopsis
}

// wrap breaks text into lines of at most width characters at spaces.
func wrap(text string, width int) string {
	var b strings.Builder
	n := 0
	for i, w := range strings.Fields(text) {
		if i > 0 {
			if n+1+len(w) > width {
				b.WriteByte('\n')
				n = 0
			} else {
				b.WriteByte(' ')
				n++
			}
		}
		b.WriteString(w)
		n += len(w)
	}
	return b.String()
}

// Usage writes the help text to w: what the program does, its synopsis,
// its flags and its exit codes.
func (c *Command) Usage(w io.Writer) {
	if c.doc != "" {
		fmt.Fprintf(w, "%s\n\n", c.doc)
	}
	fmt.Fprintln(w, "Usage:")
	if len(c.synopsis) == 0 {
		fmt.Fprintf(w, "  %s [flags]\n", c.Name)
	}
	for _, s := range c.synopsis {
		fmt.Fprintf(w, "  %s\n", s)
	}
	hasFlags := false
	c.Flags.VisitAll(func(*flag.Flag) { hasFlags = true })
	if hasFlags {
		fmt.Fprintln(w, "\nFlags:")
		c.Flags.SetOutput(w)
		c.Flags.PrintDefaults()
		c.Flags.SetOutput(io.Discard)
	}
	fmt.Fprintln(w, "\nExit status:")
	fmt.Fprintln(w, "  0  done")
	fmt.Fprintln(w, "  1  an error stopped the work")
	fmt.Fprintln(w, "  2  bad usage")
	for _, e := range c.Exits {
		fmt.Fprintf(w, "  %s\n", e)
	}
}

// ErrHelp is returned by Parse when -h or -help was given; Exit turns it
// into the help text on standard output and exit code 0.
var ErrHelp = flag.ErrHelp

// UsageError is a wrong command line: a missing argument, an unknown flag,
// a value out of range. Exit prints it with a pointer to -h and exits 2.
type UsageError struct {
	Msg string
}

func (e *UsageError) Error() string { return e.Msg }

// Usagef returns a UsageError with a message formatted as by fmt.Sprintf.
func Usagef(format string, args ...any) error {
	return &UsageError{Msg: fmt.Sprintf(format, args...)}
}

// Parse parses args, with flags before, between or after the other
// arguments (as people type them: "inspect FILE -json"); "--" ends the
// flags. It returns the other arguments in order.
func (c *Command) Parse(args []string) ([]string, error) {
	var rest []string
	for {
		if err := c.Flags.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, ErrHelp
			}
			return nil, &UsageError{Msg: err.Error()}
		}
		left := c.Flags.Args()
		if c.endedByDashes(args[:len(args)-len(left)]) {
			return append(rest, left...), nil
		}
		if len(left) == 0 {
			return rest, nil
		}
		// Flags.Parse stopped at an argument that is not a flag: keep it
		// and parse on after it.
		rest = append(rest, left[0])
		args = left[1:]
	}
}

// endedByDashes reports whether the flags Flags.Parse used were ended by
// "--", not just ending in a "--" that is a flag's value ("-out --").
func (c *Command) endedByDashes(used []string) bool {
	for i := 0; i < len(used); i++ {
		a := used[i]
		if a == "--" {
			return i == len(used)-1
		}
		name := strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-")
		if strings.Contains(name, "=") {
			continue
		}
		if f := c.Flags.Lookup(name); f != nil {
			if b, ok := f.Value.(interface{ IsBoolFlag() bool }); !ok || !b.IsBoolFlag() {
				i++ // the next argument is the flag's value
			}
		}
	}
	return false
}

// Exit reports err on c's standard error, or the help text on standard
// output for ErrHelp, and returns the exit code for it: 0 for nil and
// ErrHelp, 2 for a UsageError, 1 otherwise. A program that ends with
// another code (ExitIncomplete) says why itself and returns the code.
func (c *Command) Exit(err error) int {
	var usage *UsageError
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, ErrHelp):
		c.Usage(c.stdout)
		return ExitOK
	case errors.As(err, &usage):
		fmt.Fprintf(c.stderr, "%s: %s\nRun '%s -h' for usage.\n", c.Name, usage.Msg, c.Name)
		return ExitUsage
	default:
		fmt.Fprintf(c.stderr, "%s: %v\n", c.Name, err)
		return ExitFailure
	}
}

// Plural returns "1 post", "2 posts": n with the noun, in the plural
// when n is not 1. plural is the plural form, or "" to add an s.
func Plural(n int64, noun, plural string) string {
	if n == 1 {
		return "1 " + noun
	}
	if plural == "" {
		plural = noun + "s"
	}
	return fmt.Sprintf("%d %s", n, plural)
}
