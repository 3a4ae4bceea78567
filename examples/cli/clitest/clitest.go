package clitest

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

// Run runs a program with args and returns its exit code and output.
type Run func(t *testing.T, args ...string) (code int, stdout, stderr string)

// Func returns the Run of a program whose run function takes its
// arguments and outputs and returns the exit code.
func Func(run func(args []string, stdout, stderr io.Writer) int) Run {
	return func(_ *testing.T, args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		code := run(args, &stdout, &stderr)
		return code, stdout.String(), stderr.String()
	}
}

// Case is one command line and what it must give.
type Case struct {
	Name string
	Args []string
	// Code is the exit code wanted.
	Code int
	// Stdout and Stderr are texts the outputs must hold ("" checks
	// nothing).
	Stdout, Stderr string
}

// Help returns the case of -h for the program whose doc comment starts
// with doc ("csv-inspect reads", without "Command"): the help on
// standard output, exit 0.
func Help(doc string) Case {
	return Case{Name: "-h", Args: []string{"-h"}, Code: 0, Stdout: doc}
}

// Usage returns a case of bad usage: exit 2, and on standard error
// exactly "name: msg" and the pointer to -h.
func Usage(caseName, name, msg string, args ...string) Case {
	return Case{Name: caseName, Args: args, Code: 2, Stderr: name + ": " + msg + "\nRun '" + name + " -h' for usage.\n"}
}

// Check runs each case. For exit 0 with -h it also checks that the help
// has the synopsis, flags and exit codes and that standard error is
// empty; for exit 2, that standard output is empty and standard error
// is exactly Stderr.
func Check(t *testing.T, run Run, cases []Case) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.Name, func(t *testing.T) {
			code, stdout, stderr := run(t, tt.Args...)
			if code != tt.Code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.Code, stdout, stderr)
			}
			if !strings.Contains(stdout, tt.Stdout) {
				t.Errorf("stdout lacks %q:\n%s", tt.Stdout, stdout)
			}
			switch {
			case tt.Code == 2:
				if stderr != tt.Stderr {
					t.Errorf("stderr %q, want %q", stderr, tt.Stderr)
				}
				if stdout != "" {
					t.Errorf("stdout %q, want nothing", stdout)
				}
			case !strings.Contains(stderr, tt.Stderr):
				t.Errorf("stderr lacks %q:\n%s", tt.Stderr, stderr)
			}
			if len(tt.Args) == 1 && tt.Args[0] == "-h" {
				for _, part := range []string{"Usage:\n  go run ./examples/", "\nFlags:\n", "\nExit status:\n  0  done\n"} {
					if !strings.Contains(stdout, part) {
						t.Errorf("help lacks %q:\n%s", part, stdout)
					}
				}
				if stderr != "" {
					t.Errorf("stderr %q, want nothing", stderr)
				}
			}
		})
	}
}
