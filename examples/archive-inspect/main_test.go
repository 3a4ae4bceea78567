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
	text := filepath.Join(dir, "notes.txt")
	os.WriteFile(text, []byte("hello"), 0o644)
	emptyJSON := filepath.Join(dir, "empty.json")
	os.WriteFile(emptyJSON, []byte("{}"), 0o644)
	evil := filepath.Join(dir, "evil.zip")
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("../../outbox.json")
	w.Write([]byte(`{"orderedItems":[]}`))
	zw.Close()
	os.WriteFile(evil, buf.Bytes(), 0o644)

	tests := []struct{ name, path, want string }{
		{"not an archive", text, "not an export archive"},
		{"JSON that is not an outbox", emptyJSON, "no orderedItems"},
		{"insecure path", evil, "insecure file path"},
		{"missing file", filepath.Join(dir, "nope.zip"), "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run([]string{"-json", tt.path}, &stdout, &stderr); code != 1 {
				t.Errorf("exit %d, want 1", code)
			}
			msg := stderr.String()
			if strings.Count(msg, "\n") != 1 || !strings.Contains(msg, tt.want) {
				t.Errorf("stderr = %q, want one line containing %q", msg, tt.want)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout = %q, want nothing", stdout.String())
			}
		})
	}
}
