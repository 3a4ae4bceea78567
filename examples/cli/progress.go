package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// Progress shows how far along work has come. On a terminal it is one live
// line, redrawn at most ten times a second, with a bar, counts, rate and
// time left; elsewhere (a pipe, a log file) it is a plain line every few
// seconds. Its methods are safe for concurrent use, and a nil *Progress
// does nothing, so a program passes nil for -quiet.
type Progress struct {
	mu          sync.Mutex
	w           io.Writer
	live        bool
	every       time.Duration // how often a line is written
	now         func() time.Time
	noun        string
	plural      string
	start, last time.Time
	done, total int64
	drawn       bool // a live line is on the screen
}

// NewProgress returns a Progress writing to w that counts noun (plural
// its plural, or "" to add an s). It draws a live line when w is a
// terminal.
func NewProgress(w io.Writer, noun, plural string) *Progress {
	return newProgress(w, isTerminal(w), time.Now, noun, plural)
}

func newProgress(w io.Writer, live bool, now func() time.Time, noun, plural string) *Progress {
	if plural == "" {
		plural = noun + "s"
	}
	every := 5 * time.Second
	if live {
		every = 100 * time.Millisecond
	}
	t := now()
	return &Progress{w: w, live: live, every: every, now: now, noun: noun, plural: plural, start: t, last: t}
}

// NewProgressEvery is NewProgress with the choice of a live line made by
// the caller, and lines at most every d (every call to Set when d is 0):
// for tests, which see every line, and for programs that know better
// than the writer whether it is a terminal.
func NewProgressEvery(w io.Writer, live bool, d time.Duration, noun, plural string) *Progress {
	p := newProgress(w, live, time.Now, noun, plural)
	p.every = d
	return p
}

// Live reports whether p draws a live line (on a terminal); false for nil.
func (p *Progress) Live() bool {
	return p != nil && p.live
}

// isTerminal reports whether w is a character device other than a dumb
// terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("TERM") == "dumb" {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// QuietFlag defines the -quiet flag on c, which turns progress off.
func (c *Command) QuietFlag() *bool {
	return c.Flags.Bool("quiet", false, "show no progress while working")
}

// Set records that done of total items are done (total 0 when unknown)
// and shows it if it is time to.
func (p *Progress) Set(done, total int64) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done, p.total = done, total
	if t := p.now(); t.Sub(p.last) >= p.every {
		p.last = t
		p.draw(t)
	}
}

// Waiting says that the work waits for d because host limits its rate:
// "rate limited by HOST, waiting 5m0s". Waits under a second show as 1s.
func (p *Progress) Waiting(host string, d time.Duration) {
	p.Printf("rate limited by %s, waiting %s", host, max(d.Round(time.Second), time.Second))
}

// Printf writes a line of its own, above the live line on a terminal.
func (p *Progress) Printf(format string, args ...any) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
	fmt.Fprintf(p.w, format+"\n", args...)
	if p.live {
		p.draw(p.now())
	}
}

// Above returns a writer to w that clears the live line before each
// write, for the program's other output to the same screen; the next Set
// draws the line again, below it. For a nil p it returns w.
func (p *Progress) Above(w io.Writer) io.Writer {
	if p == nil {
		return w
	}
	return above{p, w}
}

type above struct {
	p *Progress
	w io.Writer
}

func (a above) Write(b []byte) (int, error) {
	a.p.mu.Lock()
	defer a.p.mu.Unlock()
	a.p.clear()
	return a.w.Write(b)
}

// Finish clears the live line; the program then prints its result.
func (p *Progress) Finish() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
}

func (p *Progress) clear() {
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.drawn = false
	}
}

// draw writes the state: "[=====     ] 1,200 of 5,000 posts, 240/s, 16s left".
func (p *Progress) draw(t time.Time) {
	var b strings.Builder
	if p.live {
		b.WriteString("\r\x1b[K")
		if p.total > 0 {
			const width = 20
			filled := int(min(p.done, p.total) * width / p.total)
			b.WriteString("[" + strings.Repeat("=", filled) + strings.Repeat(" ", width-filled) + "] ")
		}
	}
	noun := p.plural
	if p.total == 1 || (p.total == 0 && p.done == 1) {
		noun = p.noun
	}
	if p.total > 0 {
		fmt.Fprintf(&b, "%s of %s %s", group(p.done), group(p.total), noun)
	} else {
		fmt.Fprintf(&b, "%s %s", group(p.done), noun)
	}
	if elapsed := t.Sub(p.start); elapsed > 0 && p.done > 0 {
		rate := float64(p.done) / elapsed.Seconds()
		fmt.Fprintf(&b, ", %s/s", group(int64(rate+0.5)))
		if p.total > p.done && rate > 0 {
			left := time.Duration(float64(p.total-p.done) / rate * float64(time.Second))
			fmt.Fprintf(&b, ", %s left", left.Round(time.Second))
		}
	}
	if !p.live {
		b.WriteByte('\n')
	}
	io.WriteString(p.w, b.String())
	p.drawn = p.live
}

// group writes n with thousands separators: 1,234,567.
func group(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
}
