// Command quickstart runs a whole account move with fediport, between
// three fediverse servers started in this process on loopback: the old
// server, the new one, and a server where the account's friends live.
//
//	go run ./examples/quickstart [-scenario move|leave|same-server] [-out DIR]
//
// It fills the old account (posts with media, a poll, a boost, a direct
// message, follows, followers, lists, blocks, mutes, domain blocks,
// bookmarks), then does what the source article recommends for the
// scenario:
//
//   - move (the default): export, then migrate, then import the lists,
//     then the posts (package importer/posts, through the Mastodon client
//     API the new server serves: [migratetest.Server.ServeClientAPI]);
//   - leave: export only;
//   - same-server: migrate to a second account on the same server, which
//     is instant, then export.
//
// It prints what moved, what did not and why, and where the files are.
// The servers are fediport's loopback test instance (migratetest.Server),
// which speaks real ActivityPub over HTTP with signed requests, built
// from fediport's public packages only: copy this program and swap in
// your own server.
package main

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/archive"
	"github.com/fediport/fediport/examples/cli"
	"github.com/fediport/fediport/export"
	"github.com/fediport/fediport/importer"
	"github.com/fediport/fediport/importer/mastodonapi"
	"github.com/fediport/fediport/importer/mastodonapi/mastodonapitest"
	"github.com/fediport/fediport/importer/posts"
	"github.com/fediport/fediport/migrate"
	"github.com/fediport/fediport/migrate/migratetest"
)

//go:embed main.go
var source string

func main() {
	os.Exit(runCLI(os.Args[1:], os.Stdout, os.Stderr))
}

// runCLI runs the program with the command-line arguments args and
// returns its exit code.
func runCLI(args []string, stdout, stderr io.Writer) int {
	c := cli.New("quickstart", source, stdout, stderr)
	scenario := c.Flags.String("scenario", "move", "what the user wants: move (to another server), leave (for good) or same-server (a fresh start)")
	out := c.Flags.String("out", "", "`folder` for the exported files (default: a new temporary folder)")
	args, err := c.Parse(args)
	if err == nil && len(args) != 0 {
		err = cli.Usagef("unexpected argument %q: the quickstart takes flags only", args[0])
	}
	if err == nil {
		err = run(context.Background(), stdout, *scenario, *out)
	}
	return c.Exit(err)
}

// demoImage returns a real 24x16 PNG: three stripes, blue sky over green
// grass over a brown track, so the exported archive renders an image.
func demoImage() ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, 24, 16))
	for y := range 16 {
		c := color.RGBA{R: 0x6a, G: 0xa9, B: 0xe0, A: 0xff}
		switch {
		case y >= 12:
			c = color.RGBA{R: 0x7a, G: 0x52, B: 0x30, A: 0xff}
		case y >= 9:
			c = color.RGBA{R: 0x4c, G: 0x9a, B: 0x3f, A: 0xff}
		}
		for x := range 24 {
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	err := png.Encode(&b, img)
	return b.Bytes(), err
}

// world is the three servers and the move the quickstart carries out:
// alice@old moves to target@dst (alice@new, or alice2@old for a fresh
// start on the same server).
type world struct {
	old, new, friends *migratetest.Server
	dst               *migratetest.Server
	target            string

	// What the steps did, for the summary.
	exported   *export.Result
	imported   bool
	followers  [2]int // on the old account before the move, on the new after
	moved      bool
	posts      *posts.Result // what the post import did
	postsDated int           // posts on the new account dated as their originals
}

// importPosts is the quickstart's own step after the plan's: migrate's
// plan stops at what Mastodon imports, which leaves the posts behind;
// package importer/posts imports them through the new server's Mastodon
// client API.
var importPosts = migrate.Step{
	Kind:  "import-posts",
	Title: "Import posts",
	Detail: "Post the archive's posts on the new account, oldest first, with their media; " +
		"a server that backdates (GoToSocial) keeps their dates.",
	Optional: true,
}

func run(ctx context.Context, w io.Writer, scenario, out string) error {
	goal, err := migrate.ParseGoal(scenario)
	if err != nil {
		return err
	}
	steps, err := migrate.Steps(goal)
	if err != nil {
		return err
	}
	if goal == migrate.MoveServer {
		steps = append(steps, importPosts)
	}
	if out == "" {
		if out, err = os.MkdirTemp("", "fediport-quickstart-"); err != nil {
			return err
		}
	}

	wd := &world{old: &migratetest.Server{}, new: &migratetest.Server{}, friends: &migratetest.Server{}}
	for _, s := range []*migratetest.Server{wd.old, wd.new, wd.friends} {
		s.Start()
		defer s.Close()
	}
	wd.dst, wd.target = wd.new, "alice"
	if goal == migrate.FreshStart {
		wd.dst, wd.target = wd.old, "alice2"
	}
	if err := wd.fill(ctx); err != nil {
		return fmt.Errorf("filling the old account: %w", err)
	}
	fmt.Fprintf(w, "Three servers are running: old %s, new %s, friends %s.\n", wd.old.Host, wd.new.Host, wd.friends.Host)
	fmt.Fprintf(w, "%s has %d posts and boosts, follows %d accounts and has %d followers.\n\n",
		wd.old.Handle("alice"), len(wd.old.Posts("alice")), len(wd.old.Following("alice")), len(wd.old.Followers("alice")))

	fmt.Fprintf(w, "The plan for %q:\n", scenario)
	for i, s := range steps {
		opt := ""
		if s.Optional {
			opt = " (optional)"
		}
		fmt.Fprintf(w, "  %d. %s%s\n", i+1, s.Title, opt)
	}
	fmt.Fprintln(w)

	for i, s := range steps {
		fmt.Fprintf(w, "Step %d: %s\n", i+1, s.Title)
		if err := wd.do(ctx, w, s, out); err != nil {
			return fmt.Errorf("step %d (%s): %w", i+1, s.Title, err)
		}
		fmt.Fprintln(w)
	}
	wd.summary(w, out)
	return nil
}

// do carries out one step of the plan.
func (wd *world) do(ctx context.Context, w io.Writer, s migrate.Step, out string) error {
	oldH, newH := wd.old.Handle("alice"), wd.dst.Handle(wd.target)
	switch s.Kind {
	case migrate.StepExport:
		return wd.export(ctx, w, out)
	case migrate.StepCreate:
		if _, err := wd.dst.CreateAccount(wd.target, migratetest.Profile{}); err != nil {
			return err
		}
		fmt.Fprintf(w, "  created %s, with an empty profile\n", newH)
	case migrate.StepAlias:
		return wd.alias(ctx, w)
	case migrate.StepPreflight:
		return wd.preflight(ctx, w)
	case migrate.StepCopyProfile:
		m, a, err := wd.newAccount()
		if err != nil {
			return err
		}
		res, err := m.CopyProfile(ctx, a, oldH, migrate.ProfileFields)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  copied %s from the old profile: a step Mastodon does not offer\n", strings.Join(res.Changed, ", "))
	case migrate.StepMove:
		return wd.move(ctx, w, false)
	case migrate.StepMoveLocal:
		return wd.move(ctx, w, true)
	case migrate.StepImport:
		return wd.importLists(ctx, w, out)
	case importPosts.Kind:
		return wd.importPosts(ctx, w, out)
	case migrate.StepDelete:
		fmt.Fprintf(w, "  %s is left as it is: followers are not told where you went\n", oldH)
	default:
		fmt.Fprintf(w, "  nothing to run for %q: %s\n", s.Kind, s.Detail)
	}
	return nil
}

// fill gives alice@old an account's worth of content and relationships.
func (wd *world) fill(ctx context.Context) error {
	old, fr := wd.old, wd.friends
	for _, c := range []struct {
		s    *migratetest.Server
		user string
		p    migratetest.Profile
	}{
		{old, "alice", migratetest.Profile{Name: "Alice Example", Summary: "<p>Writes about trains.</p>", Fields: [][2]string{{"Pronouns", "she/her"}}}},
		{old, "erin", migratetest.Profile{Name: "Erin"}},
		{fr, "bob", migratetest.Profile{Name: "Bob"}},
		{fr, "carol", migratetest.Profile{Name: "Carol"}},
		{fr, "dave", migratetest.Profile{Name: "Dave"}},
		{fr, "spammer", migratetest.Profile{}},
	} {
		if _, err := c.s.CreateAccount(c.user, c.p); err != nil {
			return err
		}
	}
	alice := old.Handle("alice")
	bobPost, err := fr.Post(ctx, "bob", migratetest.PostOptions{Text: "Hello from the friends' server"})
	if err != nil {
		return err
	}
	photo, err := demoImage()
	if err != nil {
		return err
	}
	first, err := old.Post(ctx, "alice", migratetest.PostOptions{Text: "My first post, with a photo", Media: []migratetest.MediaUpload{{MediaType: "image/png", Description: "a steam engine", Data: photo}}})
	if err != nil {
		return err
	}
	posts := []migratetest.PostOptions{
		{Text: "Which gauge?", Poll: &migratetest.Poll{Options: []string{"standard", "narrow"}, Votes: []int{3, 1}}},
		{Text: "A reply to myself", InReplyTo: first.ID},
		{Text: "Spoilers ahead", Summary: "film ending", Visibility: migratetest.Unlisted},
		{Text: "Only for followers", Visibility: migratetest.Private},
		{Text: "Psst, Bob", Visibility: migratetest.Direct, Mentions: []string{fr.Handle("bob")}},
	}
	for _, p := range posts {
		if _, err := old.Post(ctx, "alice", p); err != nil {
			return err
		}
	}
	if _, err := old.Boost("alice", bobPost.ID); err != nil {
		return err
	}
	if _, err := old.FollowWith(ctx, "alice", fr.Handle("bob"), migrate.FollowSettings{ShowBoosts: false, Notify: true, Languages: []string{"de", "en"}}); err != nil {
		return err
	}
	if _, err := old.Follow(ctx, "alice", fr.Handle("carol")); err != nil {
		return err
	}
	for _, f := range []struct {
		s    *migratetest.Server
		user string
	}{{fr, "bob"}, {fr, "carol"}, {fr, "dave"}, {old, "erin"}} {
		if _, err := f.s.Follow(ctx, f.user, alice); err != nil {
			return err
		}
	}
	list, err := old.CreateList("alice", "Rail friends")
	if err != nil {
		return err
	}
	if err := old.AddToList(ctx, "alice", list.ID, fr.Handle("bob")); err != nil {
		return err
	}
	if err := old.Block(ctx, "alice", fr.Handle("spammer")); err != nil {
		return err
	}
	if err := old.Mute(ctx, "alice", fr.Handle("carol"), false); err != nil {
		return err
	}
	if err := old.BlockDomain("alice", "spam.example"); err != nil {
		return err
	}
	return old.Bookmark("alice", bobPost.ID)
}

// export writes alice@old's archive and CSV lists into dir.
func (wd *world) export(ctx context.Context, w io.Writer, dir string) error {
	res, err := (&export.Exporter{LocalDomain: wd.old.Host}).WriteDir(ctx, dir, wd.old.Exporter("alice").Sources())
	if err != nil {
		return err
	}
	wd.exported = res
	fmt.Fprintf(w, "  wrote %d files into %s:\n", len(res.Files), dir)
	rows := map[string]int{}
	for t, n := range res.Rows {
		rows[importer.FileName(t)] = n
	}
	for _, f := range res.Files {
		name := filepath.Base(f)
		if n, ok := rows[name]; ok {
			fmt.Fprintf(w, "    %-24s %s\n", name, cli.Plural(int64(n), "row", ""))
		} else {
			fmt.Fprintf(w, "    %-24s %s, %s\n", name, cli.Plural(int64(res.Statuses), "status", "statuses"), cli.Plural(int64(res.Media), "media file", ""))
		}
	}
	fmt.Fprintf(w, "  %s left out, with their media: fediport's default (set export.Exporter.IncludeDirect to keep them, as Mastodon does)\n", cli.Plural(int64(res.DirectSkipped), "direct message", ""))
	for _, me := range res.SkippedMedia {
		fmt.Fprintf(w, "  media file left out: %v\n", me)
	}

	// Read the archive back, as a viewer or importer would.
	r, err := archive.Open(filepath.Join(dir, export.DefaultArchiveName))
	if err != nil {
		return err
	}
	defer r.Close()
	var posts, boosts, polls int
	for st, err := range r.Statuses() {
		if err != nil {
			return err
		}
		switch {
		case st.IsBoost():
			boosts++
		case st.Poll != nil:
			polls++
			posts++
		default:
			posts++
		}
	}
	fmt.Fprintf(w, "  read back: %s (%d with a poll) and %s\n", cli.Plural(int64(posts), "post", ""), polls, cli.Plural(int64(boosts), "boost", ""))
	return nil
}

// alias makes the new account list the old one in alsoKnownAs. The
// pre-flight check before it shows what it fixes.
func (wd *world) alias(ctx context.Context, w io.Writer) error {
	report, err := wd.check(ctx)
	if err != nil {
		return err
	}
	for _, p := range report.Problems {
		fmt.Fprintf(w, "  before: %s\n", p.Advice)
	}
	m, a, err := wd.newAccount()
	if err != nil {
		return err
	}
	if _, err := m.AddAlias(ctx, a, wd.old.Handle("alice")); err != nil {
		return err
	}
	fmt.Fprintf(w, "  %s now lists %s in alsoKnownAs\n", wd.dst.Handle(wd.target), wd.old.ActorID("alice"))
	return nil
}

// newAccount returns the mover and the actor document of the new
// account, to change its profile.
func (wd *world) newAccount() (*migrate.Mover, *activitypub.Actor, error) {
	m, err := wd.dst.Mover(wd.target)
	if err != nil {
		return nil, nil, err
	}
	a, err := wd.dst.Actor(wd.target)
	return m, a, err
}

// check runs the pre-flight check of alice's move to the target.
func (wd *world) check(ctx context.Context) (*migrate.Report, error) {
	return wd.old.Checker().Check(ctx, wd.old.Handle("alice"), wd.dst.Handle(wd.target))
}

// preflight runs the check a user runs before moving.
func (wd *world) preflight(ctx context.Context, w io.Writer) error {
	report, err := wd.check(ctx)
	if err != nil {
		return err
	}
	if !report.Ready() {
		return report.Err()
	}
	fmt.Fprintln(w, "  ready: both accounts resolve, the alias is in place, no move in the last 30 days")
	return nil
}

// move sends the Move from alice@old; followers' servers check it and
// re-follow the new account. On the same server (local), followers are
// rewritten at once instead.
func (wd *world) move(ctx context.Context, w io.Writer, local bool) error {
	m, err := wd.old.Mover("alice")
	if err != nil {
		return err
	}
	origin, err := wd.old.Actor("alice")
	if err != nil {
		return err
	}
	before := len(wd.old.Followers("alice"))
	var res *migrate.Result
	if local {
		res, err = m.MoveLocal(ctx, origin, wd.dst.Handle(wd.target), wd.old)
	} else {
		res, err = m.Move(ctx, origin, wd.dst.Handle(wd.target))
	}
	if err != nil {
		return err
	}
	wd.report(w, res, before)
	return nil
}

func (wd *world) report(w io.Writer, res *migrate.Result, before int) {
	for i, d := range res.Deliveries {
		kind := "the Update"
		if i > 0 {
			kind = "the Move"
		}
		fmt.Fprintf(w, "  delivered %s to %d of %d inbox(es)\n", kind, d.Delivered, d.Total)
	}
	if res.Transfer != nil {
		fmt.Fprintf(w, "  this server moved %s itself\n", cli.Plural(int64(res.Transfer.Followed), "local follower", ""))
	}
	wd.moved = true
	wd.followers = [2]int{before, len(wd.dst.Followers(wd.target))}
	fmt.Fprintf(w, "  followers: %d on the old account before, %d on the new account now\n", wd.followers[0], wd.followers[1])
	if moved, err := wd.old.Actor("alice"); err == nil {
		fmt.Fprintf(w, "  %s now redirects to %s (movedTo) and stays active\n", wd.old.Handle("alice"), moved.MovedTo)
	}
}

// importLists applies the exported CSV lists to the new account.
func (wd *world) importLists(ctx context.Context, w io.Writer, dir string) error {
	dst := wd.dst.Importer(wd.target)
	types := []importer.Type{importer.Following, importer.Lists, importer.Blocking, importer.Muting, importer.DomainBlocking, importer.Bookmarks, importer.Followers}
	for _, t := range types {
		path := filepath.Join(dir, importer.FileName(t))
		f, err := os.Open(path)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		rows, err := importer.NewReader(f, t).ReadAll()
		f.Close()
		if err != nil {
			return err
		}
		state, err := dst.ReadState(ctx, t)
		if err != nil {
			return err
		}
		plan, err := (&importer.Planner{LocalDomain: wd.dst.Host, Self: wd.dst.Handle(wd.target)}).Plan(t, importer.Merge, state, rows)
		if errors.Is(err, importer.ErrFollowersImport) {
			fmt.Fprintf(w, "  %s: not imported: %v\n", filepath.Base(path), err)
			continue
		}
		if err != nil {
			return err
		}
		res, err := (&importer.Engine{}).Apply(ctx, plan, importer.DestinationOf(dst))
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  %s: %s, %s applied, %d failed\n", filepath.Base(path), cli.Plural(int64(len(rows)), "row", ""), cli.Plural(int64(res.Applied), "change", ""), len(res.Failed))
		for _, fl := range res.Failed {
			fmt.Fprintf(w, "    failed: %s %s: %v\n", fl.Action.Kind, fl.Action.Account, fl.Err)
		}
	}
	wd.imported = true
	return nil
}

// importPosts imports the posts of the archive exported into dir on the
// new account, through the Mastodon client API its server serves for it
// (package mastodonapitest's, answering as GoToSocial does: a status
// scheduled in the past is created with that date, so each post keeps
// its own).
func (wd *world) importPosts(ctx context.Context, w io.Writer, dir string) error {
	// The account's client API, reached with a bearer token on the
	// server that received the Move; a real server issues the token by
	// OAuth.
	api := mastodonapitest.New(wd.dst.Host, wd.target, "quickstart-token")
	api.GoToSocial = true // backdates: scheduled_at in the past keeps a post's date
	if err := wd.dst.ServeClientAPI(wd.target, api); err != nil {
		return err
	}
	r, err := archive.Open(filepath.Join(dir, export.DefaultArchiveName))
	if err != nil {
		return err
	}
	defer r.Close()

	client := &mastodonapi.Client{BaseURL: wd.dst.URL, Token: api.Token}
	details := map[posts.ChangeKind]string{} // an example of each kind of change
	dated := map[int64]bool{}                // the originals' dates, in Unix nanoseconds
	im := &posts.Importer{Progress: func(p posts.Progress) {
		if p.Post == nil {
			return
		}
		dated[p.Post.Published.UnixNano()] = true
		for _, c := range p.Post.Changes {
			if _, ok := details[c.Kind]; !ok {
				details[c.Kind] = c.Detail
			}
		}
	}}
	res, err := im.Run(ctx, r, &posts.GoToSocial{Client: client})
	if err != nil {
		return err
	}
	wd.posts = res
	fmt.Fprintf(w, "  posted %s and uploaded %s into %s, backdated (GoToSocial's scheduled_at in the past)\n",
		cli.Plural(int64(res.Posted), "post", ""), cli.Plural(int64(res.Media), "media file", ""), wd.dst.Handle(wd.target))
	for _, reason := range slices.Sorted(maps.Keys(res.Skipped)) {
		fmt.Fprintf(w, "  skipped %d, %s: %s\n", res.Skipped[reason], reason, why(skipWhy, reason))
	}
	for _, kind := range slices.Sorted(maps.Keys(res.Changed)) {
		fmt.Fprintf(w, "  changed %d, %s (%s): %s\n", res.Changed[kind], kind, details[kind], why(changeWhy, kind))
	}
	for _, f := range res.Failed {
		fmt.Fprintf(w, "  failed: %s: %s\n", f.URL, f.Detail)
	}

	// Read the new account's statuses back from its server: each
	// carries its original's date (as the archive gave it to the
	// import), and the reply is threaded.
	got := api.Statuses()
	ids := map[string]bool{}
	var threaded int
	var alt []string
	wd.postsDated = 0
	for _, st := range got {
		ids[st.ID] = true
		if dated[st.CreatedAt.UnixNano()] {
			wd.postsDated++
		}
		if ids[st.InReplyToID] {
			threaded++
		}
		for _, id := range st.MediaIDs {
			if m := api.Media(id); m != nil {
				alt = append(alt, fmt.Sprintf("%q", m.Description))
			}
		}
	}
	fmt.Fprintf(w, "  read back from %s: %s, %d dated as their originals, %s threaded under its copy, media alt text %s\n",
		wd.dst.Handle(wd.target), cli.Plural(int64(len(got)), "status", "statuses"), wd.postsDated,
		cli.Plural(int64(threaded), "reply", "replies"), strings.Join(alt, ", "))
	return nil
}

// skipWhy says why post import skips a status, by reason.
var skipWhy = map[string]string{
	posts.SkipBoost:  "a boost is not a post of yours (posts.Importer.Boosts boosts it again, dated now)",
	posts.SkipLike:   "a like is not a post",
	posts.SkipDirect: "a direct message (posts.Importer.IncludeDirect imports them)",
}

// changeWhy says why post import changes a post, by kind of change.
var changeWhy = map[posts.ChangeKind]string{
	posts.PollAsText:     "a backdated post cannot carry a poll, so its options and results became text",
	posts.MentionDefused: "a backdated post may mention no one else, so the mention became plain user@host text",
	posts.ReplyAsLink:    "a backdated post may reply to no one else, so it links the post it answered",
	posts.MediaMissing:   "the file is missing from the archive, so the post went without it",
}

// why returns what m says of k, or a pointer to package importer/posts.
func why[K comparable](m map[K]string, k K) string {
	if s, ok := m[k]; ok {
		return s
	}
	return "see package importer/posts"
}

// summary prints what moved, what did not and why, and where the files
// are.
func (wd *world) summary(w io.Writer, out string) {
	newH := wd.dst.Handle(wd.target)
	fmt.Fprintln(w, "Summary")
	if wd.moved {
		fmt.Fprintf(w, "  Moved to %s:\n", newH)
		fmt.Fprintf(w, "    followers: %d of %d (this server's own at once, the others by their servers after checking the Move)\n", wd.followers[1], wd.followers[0])
	}
	if wd.imported {
		fmt.Fprintf(w, "  Imported on %s, from the CSV files:\n", newH)
		wd.describe(w, wd.dst, wd.target)
	}
	if res := wd.posts; res != nil {
		fmt.Fprintf(w, "  Imported on %s, from archive.zip:\n", newH)
		fmt.Fprintf(w, "    posts: %d, with %s; %d of them dated as their originals (backdated)\n", res.Posted, cli.Plural(int64(res.Media), "media file", ""), wd.postsDated)
		for _, kind := range slices.Sorted(maps.Keys(res.Changed)) {
			fmt.Fprintf(w, "    changed: %d %s: %s\n", res.Changed[kind], kind, why(changeWhy, kind))
		}
	}
	if !wd.moved && !wd.imported {
		fmt.Fprintf(w, "  Nothing was moved: %s stays as it is, and the files below are your copy of it.\n", wd.old.Handle("alice"))
	}
	fmt.Fprintln(w, "  Left behind, and why:")
	if res := wd.posts; res != nil {
		for _, reason := range slices.Sorted(maps.Keys(res.Skipped)) {
			fmt.Fprintf(w, "    %d %s, not posted: %s\n", res.Skipped[reason], reason, why(skipWhy, reason))
		}
		for _, f := range res.Failed {
			fmt.Fprintf(w, "    %s, not posted: %s\n", f.URL, f.Detail)
		}
	} else {
		fmt.Fprintln(w, "    posts, boosts, polls and media: this server takes no posts; they stay on the old account and in the archive.")
		fmt.Fprintln(w, "      Into GoToSocial, or any Mastodon API server, import them from archive.zip with package importer/posts:")
		fmt.Fprintln(w, "      go run ./examples/post-import -server URL -token TOKEN archive.zip")
	}
	if wd.exported != nil && wd.exported.DirectSkipped > 0 {
		fmt.Fprintf(w, "    %s: left out of the archive by default (export.Exporter.IncludeDirect keeps them)\n", cli.Plural(int64(wd.exported.DirectSkipped), "direct message", ""))
	}
	if wd.imported {
		fmt.Fprintln(w, "    followers.csv: kept for your records; followers come with the Move, no import can make them follow")
	} else if wd.moved {
		fmt.Fprintf(w, "    follows, lists, blocks, mutes, domain blocks and bookmarks stay with %s: import the exported CSV files on %s to bring them\n", wd.old.Handle("alice"), newH)
	}
	if wd.exported != nil {
		fmt.Fprintf(w, "  Files, in %s:\n", out)
		for _, f := range wd.exported.Files {
			fmt.Fprintf(w, "    %s\n", filepath.Base(f))
		}
	}
}

// describe prints an account's follows, lists, blocks, mutes, domain
// blocks and bookmarks, as its server holds them.
func (wd *world) describe(w io.Writer, s *migratetest.Server, user string) {
	ctx := context.Background()
	addr := func(id string) string {
		if a, err := s.Address(ctx, id); err == nil {
			return a
		}
		return id
	}
	addrs := func(ids []string) string {
		out := make([]string, len(ids))
		for i, id := range ids {
			out[i] = addr(id)
		}
		if len(out) == 0 {
			return "none"
		}
		return strings.Join(out, ", ")
	}
	for _, f := range s.Following(user) {
		state := ""
		if !f.Accepted {
			state = ", pending approval"
		}
		langs := "all languages"
		if len(f.Settings.Languages) > 0 {
			langs = strings.Join(f.Settings.Languages, ", ")
		}
		fmt.Fprintf(w, "    follows %s (boosts shown: %v, notify: %v, %s%s)\n", addr(f.ID), f.Settings.ShowBoosts, f.Settings.Notify, langs, state)
	}
	for _, l := range s.Lists(user) {
		fmt.Fprintf(w, "    list %q: %s\n", l.Title, addrs(l.Members))
	}
	fmt.Fprintf(w, "    blocks: %s\n", addrs(s.Blocks(user)))
	for _, id := range s.Mutes(user) {
		r, err := s.Relationship(ctx, s.ActorID(user), id)
		hide := err == nil && r.MuteNotifications
		fmt.Fprintf(w, "    mutes %s (notifications hidden: %v)\n", addr(id), hide)
	}
	fmt.Fprintf(w, "    domain blocks: %s\n", strings.Join(s.DomainBlocks(user), ", "))
	fmt.Fprintf(w, "    bookmarks: %d\n", len(s.Bookmarks(user)))
}
