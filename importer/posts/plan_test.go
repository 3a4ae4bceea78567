package posts_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fediport/fediport/archive"
	"github.com/fediport/fediport/importer/posts"
)

var gtsCaps = posts.Capabilities{Account: "alice@new.example", Backdate: true, Visibility: posts.Keep, MaxCharacters: 5000, MaxMedia: 4}

func planPosts(t *testing.T, im *posts.Importer, caps posts.Capabilities) ([]*posts.Post, *posts.Plan) {
	t.Helper()
	r := openFixture(t)
	plan := &posts.Plan{}
	var out []*posts.Post
	for p, err := range im.Posts(r, caps, plan) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out, plan
}

func TestPlanGoToSocial(t *testing.T) {
	t.Parallel()
	ps, plan := planPosts(t, &posts.Importer{}, gtsCaps)
	var got []string
	for _, p := range ps {
		got = append(got, p.Published.Format(time.DateOnly)+" "+string(p.Visibility)+" "+p.Text)
	}
	want := []string{
		"2019-01-02 public Hello world, a first post #intro\n\nSecond paragraph & more: https://example.com/a/very/long/path",
		"2019-01-03 unlisted A reply to myself, with a picture",
		"2019-01-04 public bob@new.test look at this, and mail me@old.example",
		"2019-01-05 private In reply to " + bobReply + "\n\nbob@new.test I agree",
		"2019-01-06 public Tea or coffee?\n\nPoll, closed 2019-01-07, 4 votes by 4 people:\n- tea: 3 (75%)\n- coffee: 1 (25%)",
		"2019-01-09 public This one lost its picture",
		"2019-01-10 public Edited, second version",
		"2019-01-12 private The end of the thread",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("posts (-want +got):\n%s", d)
	}
	// Threading: the reply to the first post and the end of the thread
	// point at the originals, which the run maps to the new ids.
	if ps[1].ReplyTo != st(1) || ps[7].ReplyTo != st(2) || ps[3].ReplyTo != "" {
		t.Errorf("ReplyTo = %q, %q, %q", ps[1].ReplyTo, ps[7].ReplyTo, ps[3].ReplyTo)
	}
	if ps[1].Spoiler != "red things" || !ps[1].Sensitive || len(ps[1].Media) != 1 {
		t.Fatalf("post 2: %+v", ps[1])
	}
	m := ps[1].Media[0]
	if m.Description != "a red square" || m.Focus == nil || *m.Focus != [2]float64{0.5, -0.25} || m.MediaType != "image/png" || m.Size == 0 {
		t.Errorf("media = %+v", m)
	}
	if ps[6].Language != "zh" || ps[0].Language != "en" {
		t.Errorf("languages %q %q", ps[6].Language, ps[0].Language)
	}
	wantSkipped := map[string]int{posts.SkipBoost: 1, posts.SkipDirect: 1, posts.SkipLike: 2}
	if d := cmp.Diff(wantSkipped, plan.Skipped); d != "" {
		t.Errorf("skipped (-want +got):\n%s", d)
	}
	wantChanged := map[posts.ChangeKind]int{posts.MentionDefused: 2, posts.ReplyAsLink: 1, posts.PollAsText: 1,
		posts.MediaMissing: 1, posts.EditHistoryDropped: 1}
	if d := cmp.Diff(wantChanged, plan.Changed); d != "" {
		t.Errorf("changed (-want +got):\n%s", d)
	}
}

func TestPlanCounts(t *testing.T) {
	t.Parallel()
	im := &posts.Importer{}
	plan, err := im.Plan(openFixture(t), gtsCaps)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Posts != 8 || plan.Media != 1 || plan.Replies != 2 || !plan.Oldest.Equal(day(2)) || !plan.Newest.Equal(day(12)) || plan.Wait != 0 {
		t.Errorf("plan = %+v", plan)
	}
}

// TestPlanMastodon: no backdating, so the date and a link go in the
// text; visibility is lowered to unlisted by default, or kept when asked.
func TestPlanMastodon(t *testing.T) {
	t.Parallel()
	caps := posts.Capabilities{Visibility: posts.Unlisted, MaxCharacters: 500, MaxMedia: 4,
		PostRate: posts.Rate{N: 300, Per: 3 * time.Hour}, MediaRate: posts.Rate{N: 30, Per: 30 * time.Minute}}
	ps, plan := planPosts(t, &posts.Importer{}, caps)
	if !strings.HasSuffix(ps[0].Text, "\n\nOriginally posted 2 January 2019 10:30 UTC: https://old.example/@alice/100001") {
		t.Errorf("text = %q", ps[0].Text)
	}
	if ps[0].Visibility != archive.Unlisted || ps[7].Visibility != archive.Private {
		t.Errorf("visibility %s %s", ps[0].Visibility, ps[7].Visibility)
	}
	if plan.Changed[posts.DateInText] != 8 || plan.Changed[posts.VisibilityLowered] != 5 {
		t.Errorf("changed = %v", plan.Changed)
	}
	ps, _ = planPosts(t, &posts.Importer{Visibility: posts.Keep}, caps)
	if ps[0].Visibility != archive.Public {
		t.Errorf("-visibility keep: %s", ps[0].Visibility)
	}
}

func TestPlanFilters(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		im   posts.Importer
		want []string // dates
		skip map[string]int
	}{
		{"since and until", posts.Importer{Since: day(4), Until: day(10)}, []string{"2019-01-04", "2019-01-05", "2019-01-06", "2019-01-09"},
			map[string]int{posts.SkipBeforeDate: 2, posts.SkipAfterDate: 2, posts.SkipDirect: 1}},
		{"directs asked for", posts.Importer{IncludeDirect: true, Since: day(7), Until: day(8)}, []string{"2019-01-07"},
			map[string]int{posts.SkipBeforeDate: 5, posts.SkipAfterDate: 3}},
		{"private at most", posts.Importer{Visibility: posts.Private, Until: day(3)}, []string{"2019-01-02"},
			map[string]int{posts.SkipAfterDate: 7, posts.SkipDirect: 1}},
		{"max posts", posts.Importer{MaxPosts: 2}, []string{"2019-01-02", "2019-01-03"},
			map[string]int{posts.SkipOverLimit: 6, posts.SkipDirect: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps, plan := planPosts(t, &tt.im, gtsCaps)
			var got []string
			for _, p := range ps {
				got = append(got, p.Published.Format(time.DateOnly))
				if tt.im.Visibility == posts.Private && p.Visibility != archive.Private {
					t.Errorf("visibility %s", p.Visibility)
				}
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("posts (-want +got):\n%s", d)
			}
			// A boost is a boost, and a like a like, whatever the dates.
			tt.skip[posts.SkipBoost] = 1
			tt.skip[posts.SkipLike] = 2
			if d := cmp.Diff(tt.skip, plan.Skipped); d != "" {
				t.Errorf("skipped (-want +got):\n%s", d)
			}
		})
	}
}

// TestPlanTooLarge: a status over MaxBytes is a *PostError wrapping
// ErrTooLarge, counted as unreadable, and the others go on.
func TestPlanTooLarge(t *testing.T) {
	t.Parallel()
	im := &posts.Importer{MaxBytes: 160} // the first post is 393 bytes, the third 167, the others less
	var errs []error
	n := 0
	plan := &posts.Plan{}
	for p, err := range im.Posts(openFixture(t), gtsCaps, plan) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if p != nil {
			n++
		}
	}
	var pe *posts.PostError
	if len(errs) != 2 || !errors.Is(errs[0], posts.ErrTooLarge) || !errors.As(errs[1], &pe) || pe.ID != st(3) || pe.Index != 2 {
		t.Fatalf("errors %v", errs)
	}
	if n != 6 || plan.Skipped[posts.SkipUnreadable] != 2 || len(plan.Errors) != 2 {
		t.Errorf("%d posts, plan %+v", n, plan)
	}
}

// TestPlanReplyToFilteredParent: a reply to one's own post that the
// import leaves out (before -since) links the original instead.
func TestPlanReplyToFilteredParent(t *testing.T) {
	t.Parallel()
	ps, plan := planPosts(t, &posts.Importer{Since: day(3)}, gtsCaps)
	if ps[0].ReplyTo != "" || !strings.HasPrefix(ps[0].Text, "In reply to "+st(1)+"\n\n") || plan.Changed[posts.ReplyAsLink] != 2 {
		t.Errorf("first post %+v, changes %v", ps[0], plan.Changed)
	}
	if last := ps[len(ps)-1]; last.ReplyTo != st(2) {
		t.Errorf("the end of the thread replies to %q, want %q", last.ReplyTo, st(2))
	}
}
