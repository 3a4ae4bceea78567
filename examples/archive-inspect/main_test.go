package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fediport/fediport/internal/archivegen"
)

func runJSON(t *testing.T, path string) (*Summary, map[string]any) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-json", path}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var s Summary
	dec := json.NewDecoder(bytes.NewReader(stdout.Bytes()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		t.Fatal(err)
	}
	if dec.More() {
		t.Error("more than one JSON value printed")
	}
	var keys map[string]any
	json.Unmarshal(stdout.Bytes(), &keys)
	return &s, keys
}

func intp(n int) *int { return &n }

func TestInspectFixtures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		path  string
		check func(t *testing.T, s *Summary)
	}{
		{"2022 tar.gz", "../../archive/testdata/mastodon-2022-12-targz.tar.gz", func(t *testing.T, s *Summary) {
			want := Summary{Format: "tar.gz", Statuses: 190, Boosts: 34, TotalItems: intp(223)}
			got := Summary{Format: s.Format, Statuses: s.Statuses, Boosts: s.Boosts, TotalItems: s.TotalItems}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if s.Actor.MovedTo == "" || s.Actor.ID == "" {
				t.Errorf("actor = %+v", s.Actor)
			}
			v := s.Visibility
			if v.Public+v.Unlisted+v.Private+v.Direct != s.Statuses {
				t.Errorf("visibility counts %+v do not add up to %d", v, s.Statuses)
			}
			if s.Likes == 0 || s.Bookmarks != 0 {
				t.Errorf("likes %d, bookmarks %d", s.Likes, s.Bookmarks)
			}
			if !strings.Contains(strings.Join(s.Warnings, "\n"), "totalItems 223 but holds 224") {
				t.Errorf("warnings %q lack the totalItems mismatch", s.Warnings)
			}
		}},
		{"2023 zip", "../../archive/testdata/mastodon-2023-07-zip.zip", func(t *testing.T, s *Summary) {
			want := Summary{Format: "zip", Statuses: 18, TotalItems: intp(19), MediaFiles: 1, WithMedia: 1, Visibility: Visibility{Public: 18}}
			got := Summary{Format: s.Format, Statuses: s.Statuses, TotalItems: s.TotalItems, MediaFiles: s.MediaFiles, WithMedia: s.WithMedia, Visibility: s.Visibility}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if s.MissingMedia != 0 {
				t.Errorf("missingMedia = %d", s.MissingMedia)
			}
		}},
		{"bare outbox", "../../archive/testdata/outbox-small-signed.json", func(t *testing.T, s *Summary) {
			if s.Format != "outbox" || s.Statuses != 2 || s.TotalItems == nil || *s.TotalItems != 1 {
				t.Errorf("got %+v", s)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, keys := runJSON(t, tt.path)
			for _, k := range []string{"format", "actor", "statuses", "boosts", "replies", "polls", "withMedia", "visibility",
				"likes", "bookmarks", "mediaFiles", "missingMedia", "totalItems", "warnings"} {
				if _, ok := keys[k]; !ok {
					t.Errorf("key %q missing", k)
				}
			}
			actor, _ := keys["actor"].(map[string]any)
			for _, k := range []string{"id", "preferredUsername", "name", "movedTo", "alsoKnownAs"} {
				if _, ok := actor[k]; !ok {
					t.Errorf("actor key %q missing", k)
				}
			}
			tt.check(t, s)
		})
	}
}

func TestInspectGenerated(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	m, err := archivegen.WriteDir(filepath.Join(dir, "unpacked"), archivegen.Options{Statuses: 300, Media: 40, Seed: 2, Likes: 4, Bookmarks: 2})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := runJSON(t, filepath.Join(dir, "unpacked"))
	want := Summary{Format: "dir", Statuses: m.Creates, Boosts: m.Announces, Replies: m.Replies, Polls: m.Polls, WithMedia: m.WithMedia,
		Visibility: Visibility{Public: m.Visibility["public"], Unlisted: m.Visibility["unlisted"], Private: m.Visibility["private"], Direct: m.Visibility["direct"]},
		Likes:      m.Likes, Bookmarks: m.Bookmarks, MediaFiles: m.MediaFiles, MissingMedia: m.MissingMedia, TotalItems: &m.TotalItems}
	got := *s
	got.Actor, got.Warnings = ActorSummary{}, nil
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if s.Actor.ID != m.ActorID || len(s.Actor.AlsoKnownAs) != 1 {
		t.Errorf("actor = %+v", s.Actor)
	}
}

func TestInspectFails(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	zipOf := func(name, data string) []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, _ := zw.Create(name)
		w.Write([]byte(data))
		zw.Close()
		return buf.Bytes()
	}
	text := write("notes.txt", []byte("hello"))
	empty := write("empty.zip", nil)
	emptyJSON := write("empty.json", []byte("{}"))
	evil := write("evil.zip", zipOf("../../outbox.json", `{"orderedItems":[]}`))
	noOutbox := write("actor-only.zip", zipOf("actor.json", `{"id":"https://a.example/u","type":"Person"}`))
	folder := filepath.Join(dir, "folder")
	os.MkdirAll(folder, 0o755)
	os.WriteFile(filepath.Join(folder, "likes.json"), []byte(`{"orderedItems":[]}`), 0o644)
	item := `{"id":"https://a.example/s/1/activity","type":"Create","object":{"id":"https://a.example/s/1","type":"Note","content":"hi"}}`
	outbox := `{"orderedItems":[` + item + `,` + item + `,` + item + `]}`
	cutOutbox := write("cut.json", []byte(outbox[:len(outbox)-30]))
	whole := zipOf("outbox.json", outbox)
	cutZip := write("cut.zip", whole[:len(whole)-60])

	tests := []struct {
		name, path, want string
		printed          bool // the summary of what was read is printed first
	}{
		{"not an archive", text, "not an export archive", false},
		{"empty file", empty, "empty file", false},
		{"insecure path", evil, "insecure file path", false},
		{"missing file", filepath.Join(dir, "nope.zip"), "no such file", false},
		{"JSON that is not an outbox", emptyJSON, "no orderedItems", true},
		{"folder without outbox.json", folder, "folder has no outbox.json", true},
		{"ZIP without outbox.json", noOutbox, "this ZIP holds no outbox.json", true},
		{"outbox cut short", cutOutbox, "truncated JSON", true},
		{"ZIP cut short", cutZip, "the file ends early: was the download complete?", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, asJSON := range []bool{true, false} {
				args := []string{tt.path}
				if asJSON {
					args = []string{"-json", tt.path}
				}
				var stdout, stderr bytes.Buffer
				if code := run(args, &stdout, &stderr); code != 1 {
					t.Errorf("json %v: exit %d, want 1", asJSON, code)
				}
				msg := stderr.String()
				if strings.Count(msg, "\n") != 1 || !strings.Contains(msg, tt.want) {
					t.Errorf("json %v: stderr = %q, want one line containing %q", asJSON, msg, tt.want)
				}
				if printed := stdout.Len() != 0; printed != tt.printed {
					t.Errorf("json %v: stdout = %q, want printed %v", asJSON, stdout.String(), tt.printed)
				}
			}
		})
	}
	// What was read before the cut is printed.
	var stdout, stderr bytes.Buffer
	run([]string{"-json", cutOutbox}, &stdout, &stderr)
	var s Summary
	if err := json.Unmarshal(stdout.Bytes(), &s); err != nil || s.Statuses != 2 {
		t.Errorf("cut outbox: summary %+v (%v), want 2 statuses", s, err)
	}
}

// TestInspectEscapesControls: names, aliases and warnings from the
// archive reach the terminal with their control characters escaped,
// in text and in JSON.
func TestInspectEscapesControls(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "a")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "actor.json"), []byte(`{"id":"https://a.example/u\u001b[2J","type":"Person","preferredUsername":"u\u001b]0;pwned\u0007","name":"N\u009b31m","movedTo":"https://b.example/\u001b[1A","alsoKnownAs":["https://c.example/\u202e"]}`), 0o644)
	os.WriteFile(filepath.Join(dir, "outbox.json"), []byte(`{"orderedItems":[{"id":"x\u001b[31m","type":"Like\u0007"}]}`), 0o644)
	for _, args := range [][]string{{dir}, {"-json", dir}} {
		var stdout, stderr bytes.Buffer
		if code := run(args, &stdout, &stderr); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr.String())
		}
		out := stdout.String() + stderr.String()
		for _, bad := range []string{"\x1b", "\x07", "\u009b", "\u202e"} {
			if strings.Contains(out, bad) {
				t.Errorf("%v: output holds %q:\n%s", args, bad, out)
			}
		}
		if len(args) == 1 && !strings.Contains(out, `moved to https://b.example/\x1b[1A`) {
			t.Errorf("text output lacks the escaped movedTo:\n%s", out)
		}
	}
}
