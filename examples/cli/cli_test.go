package cli

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const source = `// Command demo reads a file and says what is in
// it, in one line.
//
//	go run ./examples/demo [-json] FILE
//
// It exits 3 when the file is empty.
package main
`

func newDemo() (*Command, *bytes.Buffer, *bytes.Buffer, *bool) {
	var stdout, stderr bytes.Buffer
	c := New("demo", source, &stdout, &stderr)
	asJSON := c.Flags.Bool("json", false, "print JSON")
	c.Exits = []string{"3  the file is empty"}
	return c, &stdout, &stderr, asJSON
}

func TestParseFlagsAnywhere(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantArgs []string
		wantJSON bool
	}{
		{"flag first", []string{"-json", "a"}, []string{"a"}, true},
		{"flag after the file, as people type it", []string{"a", "-json"}, []string{"a"}, true},
		{"flag between files", []string{"a", "-json", "b"}, []string{"a", "b"}, true},
		{"-- ends the flags", []string{"a", "--", "-json"}, []string{"a", "-json"}, false},
		{"no arguments", nil, nil, false},
		{"-- as a flag's value ends nothing", []string{"a", "-out", "--", "b", "-json"}, []string{"a", "b"}, true},
		{"-- after a flag's value ends the flags", []string{"-out", "-json", "--", "-json"}, []string{"-json"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _, _, asJSON := newDemo()
			c.Flags.String("out", "", "output `file`")
			got, err := c.Parse(tt.args)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantArgs, got); diff != "" {
				t.Errorf("args (-want +got):\n%s", diff)
			}
			if *asJSON != tt.wantJSON {
				t.Errorf("-json = %v, want %v", *asJSON, tt.wantJSON)
			}
		})
	}
}

func TestHelpExitsZeroWithDocSynopsisFlagsAndExits(t *testing.T) {
	c, stdout, stderr, _ := newDemo()
	_, err := c.Parse([]string{"file", "-h"})
	if code := c.Exit(err); code != 0 {
		t.Fatalf("-h exit code %d, want 0", code)
	}
	want := `demo reads a file and says what is in it, in one line.

Usage:
  go run ./examples/demo [-json] FILE

Flags:
  -json
    	print JSON

Exit status:
  0  done
  1  an error stopped the work
  2  bad usage
  3  the file is empty
`
	if diff := cmp.Diff(want, stdout.String()); diff != "" {
		t.Errorf("help (-want +got):\n%s", diff)
	}
	if stderr.Len() != 0 {
		t.Errorf("help wrote to stderr: %q", stderr)
	}
}

func TestExit(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		wantCode   int
		wantStderr string
	}{
		{"success", nil, 0, ""},
		{"usage names what is wrong", Usagef("missing -token"), 2, "demo: missing -token\nRun 'demo -h' for usage.\n"},
		{"an error is said once", errors.New("open x: no such file"), 1, "demo: open x: no such file\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, stdout, stderr, _ := newDemo()
			if code := c.Exit(tt.err); code != tt.wantCode {
				t.Errorf("code %d, want %d", code, tt.wantCode)
			}
			if diff := cmp.Diff(tt.wantStderr, stderr.String()); diff != "" {
				t.Errorf("stderr (-want +got):\n%s", diff)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout: %q", stdout)
			}
		})
	}
}

func TestUnknownFlagIsUsageError(t *testing.T) {
	c, _, stderr, _ := newDemo()
	_, err := c.Parse([]string{"-jsno", "file"})
	if code := c.Exit(err); code != ExitUsage {
		t.Fatalf("code %d, want %d", code, ExitUsage)
	}
	if !strings.Contains(stderr.String(), "-jsno") || strings.Contains(stderr.String(), "Flags:") {
		t.Errorf("want the bad flag named and no usage block, got %q", stderr)
	}
}

func TestPlural(t *testing.T) {
	for _, tt := range []struct {
		n    int64
		want string
	}{{0, "0 rows"}, {1, "1 row"}, {2, "2 rows"}} {
		if got := Plural(tt.n, "row", ""); got != tt.want {
			t.Errorf("Plural(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
	if got := Plural(3, "entry", "entries"); got != "3 entries" {
		t.Errorf("got %q", got)
	}
}

// clock is a settable time source.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestProgressPlainLinesEveryFewSeconds(t *testing.T) {
	var out bytes.Buffer
	clk := &clock{t: time.Unix(1000, 0)}
	p := newProgress(&out, false, clk.now, "post", "")
	p.Set(10, 1000) // too soon: nothing
	clk.t = clk.t.Add(5 * time.Second)
	p.Set(500, 1000)
	clk.t = clk.t.Add(time.Second)
	p.Set(600, 1000) // too soon again
	p.Waiting("gts.example", 90*time.Second)
	p.Finish()
	want := "500 of 1,000 posts, 100/s, 5s left\nrate limited by gts.example, waiting 1m30s\n"
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestProgressLiveLineIsRedrawnAndCleared(t *testing.T) {
	var out bytes.Buffer
	clk := &clock{t: time.Unix(1000, 0)}
	p := newProgress(&out, true, clk.now, "row", "")
	clk.t = clk.t.Add(time.Second)
	p.Set(1, 4)
	p.Finish()
	want := "\r\x1b[K[=====               ] 1 of 4 rows, 1/s, 3s left\r\x1b[K"
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("(-want +got):\n%q", diff)
	}
}

func TestNilProgressDoesNothing(t *testing.T) {
	var p *Progress
	p.Set(1, 2)
	p.Waiting("x", time.Second)
	p.Printf("x")
	p.Finish()
	if p.Live() {
		t.Error("nil Progress is live")
	}
	var out bytes.Buffer
	if w := p.Above(&out); w != &out {
		t.Errorf("Above of nil = %v, want the writer itself", w)
	}
}

// TestProgressAboveClearsTheLiveLine: the program's own output, written
// through Above, comes on a cleared line, and the next Set draws again.
func TestProgressAboveClearsTheLiveLine(t *testing.T) {
	var out bytes.Buffer
	clk := &clock{t: time.Unix(1000, 0)}
	p := newProgress(&out, true, clk.now, "row", "")
	clk.t = clk.t.Add(time.Second)
	p.Set(1, 0)
	fmt.Fprintln(p.Above(&out), "warning: x")
	fmt.Fprintln(p.Above(&out), "warning: y")
	clk.t = clk.t.Add(time.Second)
	p.Set(2, 0)
	want := "\r\x1b[K1 row, 1/s\r\x1b[Kwarning: x\nwarning: y\n\r\x1b[K2 rows, 1/s"
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if !p.Live() {
		t.Error("Live() = false for a live Progress")
	}
}

// TestNewProgressEveryZeroShowsEachSet: with an interval of 0 every Set
// writes a line, so that tests of programs see each one.
func TestNewProgressEveryZeroShowsEachSet(t *testing.T) {
	var out bytes.Buffer
	p := NewProgressEvery(&out, false, 0, "status", "statuses")
	for i := range int64(3) {
		p.Set(i+1, 3)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "1 of 3 statuses") || !strings.HasPrefix(lines[2], "3 of 3 statuses") {
		t.Errorf("lines %q, want one per Set", lines)
	}
}

func TestWaitingUnderASecondShowsOneSecond(t *testing.T) {
	var out bytes.Buffer
	p := NewProgressEvery(&out, false, time.Hour, "x", "")
	p.Waiting("gts.example", 300*time.Millisecond)
	if got, want := out.String(), "rate limited by gts.example, waiting 1s\n"; got != want {
		t.Errorf("%q, want %q", got, want)
	}
}
