package archive

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestCheckDepth(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		json string
		max  int
		want error
	}{
		{"flat", `{"a":1}`, 1, nil},
		{"at the limit", `{"a":[{"b":[]}]}`, 4, nil},
		{"over the limit", `{"a":[{"b":[]}]}`, 3, errTooDeep},
		{"brackets in strings do not count", `{"a":"[[[[{{{{"}`, 1, nil},
		{"escaped quote keeps the string open", `{"a":"\"[[[["}`, 1, nil},
		{"escaped backslash closes the string", `{"a":"\\","b":[[[]]]}`, 3, errTooDeep},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := checkDepth([]byte(tt.json), tt.max); !errors.Is(got, tt.want) {
				t.Errorf("checkDepth = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSerialAndParallelAgree(t *testing.T) {
	t.Parallel()
	items := make([]string, 500)
	for i := range items {
		items[i] = strings.Replace(noteItem, "statuses/1", "statuses/"+strings.Repeat("9", i%7+1), 2)
	}
	items[123] = `{"id":"x","type":"Create","object":{"id":"y","type":"Note","sensitive":"very"}}`
	doc := outboxOf(items...)
	run := func(concurrency int, keepRaw bool) ([]*Status, []error) {
		r := openString(t, Limits{}, doc)
		r.concurrency = concurrency
		var out []*Status
		var errs []error
		for s, err := range r.statuses(keepRaw) {
			out = append(out, s)
			errs = append(errs, err)
		}
		return out, errs
	}
	want, wantErrs := run(1, true)
	if len(want) != 500 || wantErrs[123] == nil {
		t.Fatalf("serial read %d statuses, error at 123: %v", len(want), wantErrs[123])
	}
	for _, workers := range []int{2, 5} {
		got, gotErrs := run(workers, true)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%d workers (-serial +parallel):\n%s", workers, diff)
		}
		if diff := cmp.Diff(errStrings(wantErrs), errStrings(gotErrs)); diff != "" {
			t.Errorf("%d workers: errors differ:\n%s", workers, diff)
		}
		got, _ = run(workers, false)
		if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(Status{}, "Raw")); diff != "" {
			t.Errorf("%d workers without Raw (-serial +parallel):\n%s", workers, diff)
		}
	}
}

func TestEarlyBreakStopsReading(t *testing.T) {
	items := make([]string, 2000)
	for i := range items {
		items[i] = noteItem
	}
	r := openString(t, Limits{}, outboxOf(items...))
	before := runtime.NumGoroutine()
	for range 20 {
		n := 0
		for _, err := range r.Statuses() {
			if err != nil {
				t.Fatal(err)
			}
			if n++; n == 100 {
				break
			}
		}
	}
	// The workers have exited once the loop returns.
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after breaking out, %d before", n, before)
	}
	if r.outbox != nil {
		t.Error("an interrupted pass recorded outbox information")
	}
}

// countingBackend counts the entries opened and not yet closed.
type countingBackend struct {
	backend
	live atomic.Int32
}

func (b *countingBackend) open(e *entry) (io.ReadCloser, error) {
	rc, err := b.backend.open(e)
	if err != nil {
		return nil, err
	}
	b.live.Add(1)
	return &countingCloser{ReadCloser: rc, b: b}, nil
}

type countingCloser struct {
	io.ReadCloser
	b *countingBackend
}

func (c *countingCloser) Close() error {
	c.b.live.Add(-1)
	return c.ReadCloser.Close()
}

func TestEarlyBreakClosesTheEntry(t *testing.T) {
	t.Parallel()
	items := make([]string, 1000)
	for i := range items {
		items[i] = noteItem
	}
	for _, workers := range []int{1, 4} {
		for _, seq := range []struct {
			name string
			iter func(*Reader) func(func(*Status, error) bool)
		}{
			{"Statuses", func(r *Reader) func(func(*Status, error) bool) { return r.Statuses() }},
			{"TotalItems", func(r *Reader) func(func(*Status, error) bool) {
				return func(yield func(*Status, error) bool) { _, err := r.TotalItems(); yield(nil, err) }
			}},
		} {
			r := openString(t, Limits{}, outboxOf(items...))
			r.concurrency = workers
			cb := &countingBackend{backend: r.be}
			r.be = cb
			n := 0
			for _, err := range seq.iter(r) {
				if err != nil {
					t.Fatal(err)
				}
				if n++; n == 10 {
					break
				}
			}
			if got := cb.live.Load(); got != 0 {
				t.Errorf("%s, %d workers: %d entries still open after breaking out", seq.name, workers, got)
			}
		}
	}
	// Likes: same.
	z := zipBytes(t, zipFile{name: "likes.json", data: []byte(`{"orderedItems":["a","b","c"]}`)})
	r, err := NewReader(bytes.NewReader(z), int64(len(z)))
	if err != nil {
		t.Fatal(err)
	}
	cb := &countingBackend{backend: r.be}
	r.be = cb
	for range r.Likes() {
		break
	}
	if got := cb.live.Load(); got != 0 {
		t.Errorf("Likes: %d entries still open after breaking out", got)
	}
}

func TestErrorMessage(t *testing.T) {
	t.Parallel()
	err := &Error{Entry: "outbox.json", Index: 12, Offset: 3456, Err: errItemTooLarge}
	if got, want := err.Error(), "archive: outbox.json: item 12: at byte 3456: JSON item exceeds limit"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(err, errItemTooLarge) {
		t.Error("does not unwrap to its sentinel")
	}
}

func errStrings(errs []error) []string {
	out := make([]string, len(errs))
	for i, err := range errs {
		if err != nil {
			out[i] = err.Error()
		}
	}
	return out
}

func TestLanguagePicksTheContentKey(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, item, want string }{
		{"one key", `{"type":"Create","object":{"type":"Note","content":"<p>a</p>","contentMap":{"zhCn":"<p>a</p>"}}}`, "zhCn"},
		{"the key whose HTML is the content", `{"type":"Create","object":{"type":"Note","content":"<p>b</p>","contentMap":{"en":"<p>a</p>","de":"\u003cp\u003eb\u003c/p\u003e"}}}`, "de"},
		{"none matches: the first", `{"type":"Create","object":{"type":"Note","content":"<p>c</p>","contentMap":{"en":"<p>a</p>","de":"<p>b</p>"}}}`, "en"},
		{"no contentMap", `{"type":"Create","object":{"type":"Note","content":"<p>c</p>"}}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := decodeStatus([]byte(tt.item), 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			if s.Language != tt.want {
				t.Errorf("Language = %q, want %q", s.Language, tt.want)
			}
		})
	}
}

// TestScanStatusesAgree checks the reading Validate does, which reuses
// the *Status values, against Statuses: what the loop body sees is the
// same status, for every number of workers.
func TestScanStatusesAgree(t *testing.T) {
	t.Parallel()
	items := make([]string, 300)
	for i := range items {
		items[i] = strings.Replace(noteItem, "statuses/1", "statuses/"+strings.Repeat("7", i%5+1), 2)
	}
	items[40] = `{"id":"x","type":"Create","object":{"id":"y","type":"Note","sensitive":"very"}}`
	items[41] = `{"id":"b","type":"Announce","object":"https://example.social/users/bob/statuses/2"}`
	doc := outboxOf(items...)
	r := openString(t, Limits{}, doc)
	r.concurrency = 1
	var want []Status
	for s, err := range r.statuses(true) {
		if s == nil {
			t.Fatal(err)
		}
		c := *s
		c.Raw = nil
		want = append(want, c)
	}
	for _, workers := range []int{1, 2, 5} {
		r := openString(t, Limits{}, doc)
		r.concurrency = workers
		var got []Status
		for s, err := range r.scanStatuses() {
			if s == nil {
				t.Fatal(err)
			}
			got = append(got, *s)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%d workers (-Statuses +scanStatuses):\n%s", workers, diff)
		}
	}
}

// TestInternedStringsDecodeAsStrings checks the members decoded through
// the interning path (types, actor, addressing, tags) against what a
// plain string gives: escapes decoded, invalid UTF-8 replaced by U+FFFD,
// long values kept whole.
func TestInternedStringsDecodeAsStrings(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", maxIntern+10)
	item := `{"type":"Cr\u0065ate","actor":"` + "\xe9t\xe9" + `","to":["\u0041",{"id":"b"},["c"],null,""],` +
		`"object":{"type":"Note","attributedTo":"` + long + `",` +
		`"tag":[{"type":"Mention","name":"@a\u0040b","href":"` + "h\xff" + `"},{"type":"Hashtag","name":null,"href":"t"},` +
		`{"type":"Emoji","id":"e","name":":x:","icon":{"url":["u"],"mediaType":"image/png"}},{"type":"Mention","name":5}]}}`
	s, err := decodeStatus([]byte(item), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := struct {
		Activity, Actor, AttributedTo string
		To                            []string
		Mentions, Hashtags            []Tag
		Emoji                         []Emoji
		OtherTags                     []string
	}{s.Activity, s.Actor, s.AttributedTo, s.To, s.Mentions, s.Hashtags, s.Emoji, nil}
	for _, o := range s.OtherTags {
		got.OtherTags = append(got.OtherTags, string(o))
	}
	want := got
	want.Activity, want.Actor, want.AttributedTo = "Create", "\uFFFDt\uFFFD", long
	want.To = []string{"A", "b", "c"}
	want.Mentions = []Tag{{Type: "Mention", Name: "@a@b", Href: "h\uFFFD"}}
	want.Hashtags = []Tag{{Type: "Hashtag", Href: "t"}}
	want.Emoji = []Emoji{{ID: "e", Name: ":x:", IconURL: "u", MediaType: "image/png"}}
	want.OtherTags = []string{`{"type":"Mention","name":5}`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
