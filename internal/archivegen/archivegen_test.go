package archivegen

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fediport/fediport/archive"
)

func TestSameOptionsSameBytes(t *testing.T) {
	t.Parallel()
	var a, b bytes.Buffer
	o := Options{Statuses: 120, Media: 12, Seed: 9, Likes: 3}
	ma, err := Write(&a, o)
	if err != nil {
		t.Fatal(err)
	}
	mb, err := Write(&b, o)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("same options gave different bytes")
	}
	if diff := cmp.Diff(ma, mb); diff != "" {
		t.Errorf("manifests differ (-first +second):\n%s", diff)
	}
	var c bytes.Buffer
	if _, err := Write(&c, Options{Statuses: 120, Media: 12, Seed: 10, Likes: 3}); err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a.Bytes(), c.Bytes()) {
		t.Error("another seed gave the same bytes")
	}
}

// TestEveryFeature checks that a modest archive exercises every feature
// and quirk the package documents, as read back by package archive.
func TestEveryFeature(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	m, err := Write(&buf, Options{Statuses: 200, Media: 20, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	r, err := archive.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for s, err := range r.Statuses() {
		if err != nil {
			t.Fatal(err)
		}
		seen["visibility "+string(s.Visibility)] = true
		seen["language "+s.Language] = true
		switch {
		case s.IsBoost() && s.Type == "":
			seen["boost of a bare URI"] = true
		case s.IsBoost():
			seen["boost of an inline note"] = true
		}
		if s.Poll != nil {
			seen["poll"] = true
			if s.Poll.Multiple {
				seen["multiple-choice poll"] = true
			}
			if !s.Poll.Closed.IsZero() {
				seen["closed poll"] = true
			}
		}
		if s.Summary != "" && s.Sensitive {
			seen["content warning"] = true
		}
		if s.InReplyTo != "" {
			seen["reply"] = true
		}
		if !s.Updated.IsZero() {
			seen["edited"] = true
		}
		if len(s.Mentions) > 0 {
			seen["mention"] = true
		}
		if len(s.Hashtags) > 0 {
			seen["hashtag"] = true
		}
		if len(s.Emoji) > 0 {
			seen["emoji"] = true
		}
		for _, a := range s.Attachments {
			switch {
			case a.IsLink():
				seen["link preview"] = true
			case a.FocalPoint != nil:
				seen["focal point"] = true
			}
			if a.URL != a.Path && !a.IsLink() {
				seen["prefixed media URL"] = true
			}
		}
	}
	for _, want := range []string{
		"visibility public", "visibility unlisted", "visibility private", "visibility direct",
		"language ", "language en", "language zhCn",
		"boost of a bare URI", "boost of an inline note", "poll", "multiple-choice poll", "closed poll",
		"content warning", "reply", "edited", "mention", "hashtag", "emoji",
		"link preview", "focal point", "prefixed media URL",
	} {
		if !seen[want] {
			t.Errorf("no %s in the generated archive", want)
		}
	}
	rep := r.Validate()
	if rep.DuplicateItemArrays != 1 || *rep.TotalItems == rep.Items || len(rep.MissingMedia) == 0 || len(rep.OrphanMedia) == 0 {
		t.Errorf("archive-level quirks missing: %+v", rep)
	}
	if m.MissingMedia != len(rep.MissingMedia) {
		t.Errorf("manifest says %d missing media, reader finds %d", m.MissingMedia, len(rep.MissingMedia))
	}
}

func TestNoQuirks(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if _, err := Write(&buf, Options{Statuses: 97, Media: 31, Seed: 1, NoQuirks: true}); err != nil {
		t.Fatal(err)
	}
	r, err := archive.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	rep := r.Validate()
	if w := rep.Warnings(); len(w) != 0 {
		t.Errorf("warnings for a clean archive: %q", w)
	}
}
