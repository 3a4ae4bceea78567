package posts_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fediport/fediport/archive"
	"github.com/fediport/fediport/importer/posts"
)

// TestPlanRealArchives plans imports of the two real Mastodon exports
// kept in package archive's testdata (origin: ../shared/fixtures/archives,
// see archive/testdata/ORIGIN.md), into a GoToSocial-like destination
// (backdates, keeps visibility) and a Mastodon-like one (500 characters,
// no backdating, unlisted). The counts follow from the files, not from
// this package: the ZIP's outbox holds 18 Create items, one JPEG and 3
// likes; the .tar.gz's 190 Create items (one a direct message) and 34
// Announces, 147 likes, and no media files at all.
func TestPlanRealArchives(t *testing.T) {
	t.Parallel()
	mastodonCaps := posts.Capabilities{Visibility: posts.Unlisted, MaxCharacters: 500, MaxMedia: 4, MaxDescription: 1500}
	type want struct {
		posts, media, replies int
		skipped               map[string]int
		changed               map[posts.ChangeKind]int
	}
	for _, tc := range []struct {
		file    string
		creates int // Create items in the outbox
		caps    posts.Capabilities
		want    want
	}{
		{"../../archive/testdata/mastodon-2023-07-zip.zip", 18, gtsCaps, want{18, 1, 3,
			map[string]int{posts.SkipLike: 3},
			map[posts.ChangeKind]int{posts.MentionDefused: 19, posts.ReplyAsLink: 1}}},
		{"../../archive/testdata/mastodon-2023-07-zip.zip", 18, mastodonCaps, want{18, 1, 3,
			map[string]int{posts.SkipLike: 3},
			map[posts.ChangeKind]int{posts.MentionDefused: 19, posts.ReplyAsLink: 1,
				posts.DateInText: 18, posts.VisibilityLowered: 18, posts.TextShortened: 1}}},
		{"../../archive/testdata/mastodon-2022-12-targz.tar.gz", 190, gtsCaps, want{189, 0, 9,
			map[string]int{posts.SkipBoost: 34, posts.SkipDirect: 1, posts.SkipLike: 147},
			map[posts.ChangeKind]int{posts.MediaMissing: 8, posts.MentionDefused: 130, posts.ReplyAsLink: 96}}},
		{"../../archive/testdata/mastodon-2022-12-targz.tar.gz", 190, mastodonCaps, want{189, 0, 9,
			map[string]int{posts.SkipBoost: 34, posts.SkipDirect: 1, posts.SkipLike: 147},
			map[posts.ChangeKind]int{posts.MediaMissing: 8, posts.MentionDefused: 130, posts.ReplyAsLink: 96,
				posts.DateInText: 189, posts.VisibilityLowered: 184}}},
	} {
		r, err := archive.Open(tc.file)
		if err != nil {
			t.Fatal(err)
		}
		p, err := (&posts.Importer{}).Plan(r, tc.caps)
		r.Close()
		if err != nil {
			t.Fatalf("%s: %v", tc.file, err)
		}
		got := want{p.Posts, p.Media, p.Replies, p.Skipped, p.Changed}
		if d := cmp.Diff(tc.want, got, cmp.AllowUnexported(want{})); d != "" {
			t.Errorf("%s, backdate %v: plan (-want +got):\n%s", tc.file, tc.caps.Backdate, d)
		}
		if len(p.Errors) != 0 {
			t.Errorf("%s: errors %v", tc.file, p.Errors)
		}
		// Every Create item is a post or a skipped direct message.
		if creates := p.Posts + p.Skipped[posts.SkipDirect]; creates != tc.creates {
			t.Errorf("%s: %d Create items accounted for", tc.file, creates)
		}
	}
}
