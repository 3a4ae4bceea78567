// Command post-import imports the posts of a Mastodon export archive into
// an account on another server, through its client API.
//
//	go run ./examples/post-import -server URL -token TOKEN [-target gotosocial|mastodon] [-dry-run] [-json] [-state FILE] [-visibility keep|public|unlisted|private] [-include-direct] [-since DATE] [-until DATE] ARCHIVE
//
// ARCHIVE is anything package archive reads: the ZIP or .tar.gz a server
// exported, an unpacked folder, a bare outbox.json. Posts are imported
// oldest first; replies to one's own posts are threaded; boosts (unless
// -boosts boosts them again, now), likes and (without -include-direct)
// direct messages are skipped and counted.
//
// On GoToSocial (-target gotosocial, the default when the server says it
// runs GoToSocial) posts are backdated: they keep their date, are not
// federated and notify nobody. Elsewhere (-target mastodon) the original
// date and a link are written in each post, visibility is lowered to
// unlisted unless -visibility says otherwise, and Mastodon's limits (300
// posts per 3 hours, 30 uploads per 30 minutes) are kept to: the time
// they make the import take is said before it starts.
//
// What the destination cannot carry is changed, visibly, and counted:
// mentions of others become text that notifies nobody, replies to
// others link the original, polls become text, a post whose media file
// is missing from the archive is posted without it. -dry-run prints the
// plan and every such change, and needs no token: it reads only the
// server's limits.
//
// With -state FILE, what was posted is journaled, so that the same
// command run again after an interruption or a crash goes on where it
// stopped, posting nothing twice. -since and -until take a date
// (2006-01-02) or a time (RFC 3339); -until is exclusive.
//
// Progress goes to standard error (-quiet turns it off); -json prints
// one JSON object on standard output: posted, media, resumed, failed,
// skipped (reason: count), changed (change: count), and failures.
//
// Exit status: 0 when every planned post is posted, 3 when some failed
// (they are listed; run again with the same -state to retry them), 1 on
// an error before posting (an unreadable archive, a refused token), 2 on
// bad usage.
package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"slices"
	"strings"
	"time"

	"github.com/fediport/fediport/archive"
	"github.com/fediport/fediport/examples/cli"
	"github.com/fediport/fediport/examples/termtext"
	"github.com/fediport/fediport/importer/mastodonapi"
	"github.com/fediport/fediport/importer/posts"
)

//go:embed main.go
var source string

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr, 5*time.Second))
}

// options are the command line, parsed.
type options struct {
	server, token, target, state string
	dryRun, asJSON, quiet        bool
	allowHTTP                    bool
	im                           posts.Importer
	archive                      string
}

// run is the command, minus the process: testable. every is how often
// a progress line is written (0: after every post).
func run(ctx context.Context, args []string, stdout, stderr io.Writer, every time.Duration) int {
	c := cli.New("post-import", source, stdout, stderr)
	c.Exits = []string{"3  some posts failed (listed; run again with the same -state to retry them)"}
	o, err := parse(c, args)
	if err != nil {
		return c.Exit(err)
	}
	r, err := archive.Open(o.archive)
	if err != nil {
		return c.Exit(err)
	}
	defer r.Close()
	client := &mastodonapi.Client{BaseURL: o.server, Token: o.token, AllowHTTP: o.allowHTTP}
	dst, err := destination(ctx, client, o.target)
	if err != nil {
		return c.Exit(err)
	}
	if o.dryRun {
		return c.Exit(dryRun(ctx, &o, r, dst, stdout))
	}
	pr := &progress{w: stderr, every: every, quiet: o.quiet}
	o.im.Progress = pr.show
	client.OnRateLimit = func(host string, wait time.Duration) {
		pr.line("rate limited by %s, waiting %s", host, max(wait.Round(time.Second), time.Second))
	}
	if !o.quiet {
		if caps, err := dst.Capabilities(ctx); err == nil {
			if plan, err := o.im.Plan(r, caps); err == nil && plan.Wait > 0 {
				pr.line("%s to post; %s's rate limits make this take at least %s", cli.Plural(int64(plan.Posts), "post", ""),
					termtext.Escape(o.server), plan.Wait.Round(time.Minute))
			}
		}
	}
	res, err := o.im.Run(ctx, r, dst)
	if res == nil {
		return c.Exit(err) // nothing posted: a refused token, an unreadable archive
	}
	report(stdout, stderr, res, o.asJSON)
	if err != nil {
		return c.Exit(fmt.Errorf("stopped: %w", err))
	}
	if len(res.Failed) > 0 {
		return cli.ExitIncomplete
	}
	return cli.ExitOK
}

func parse(c *cli.Command, args []string) (options, error) {
	var o options
	fs := c.Flags
	fs.StringVar(&o.server, "server", "", "server, such as gts.example (https:// is assumed) or a `URL`")
	fs.StringVar(&o.token, "token", os.Getenv("MASTODON_TOKEN"), "access `token` of the account, with the scopes read:accounts read:statuses write:statuses write:media (default $MASTODON_TOKEN)")
	fs.StringVar(&o.target, "target", "", "gotosocial (backdated posts) or mastodon (dated in the text); asked of the server if empty")
	fs.BoolVar(&o.dryRun, "dry-run", false, "print the plan and every change, post nothing")
	fs.BoolVar(&o.asJSON, "json", false, "print the result as one JSON object")
	fs.StringVar(&o.state, "state", "", "journal `FILE` to resume an interrupted import from")
	vis := fs.String("visibility", "", "keep, or the most visible a post may be: public, unlisted, private (default: keep on gotosocial, unlisted on mastodon)")
	fs.BoolVar(&o.im.IncludeDirect, "include-direct", false, "import direct messages too")
	fs.BoolVar(&o.im.Boosts, "boosts", false, "boost again what the archive boosted (a boost made now, which notifies the author)")
	since := fs.String("since", "", "import posts from this `DATE` on")
	until := fs.String("until", "", "import posts before this `DATE`")
	fs.BoolVar(&o.allowHTTP, "allow-http", false, "allow a plain http:// server off this machine (the token crosses the network unencrypted)")
	quiet := c.QuietFlag()
	rest, err := c.Parse(args)
	if err != nil {
		return o, err
	}
	o.quiet = *quiet
	switch {
	case o.server == "":
		return o, cli.Usagef("missing -server: the server to import into, such as gts.example")
	case o.token == "" && !o.dryRun:
		return o, cli.Usagef("missing -token: an access token of the account (or set $MASTODON_TOKEN)")
	case len(rest) == 0:
		return o, cli.Usagef("missing ARCHIVE: the export archive to import")
	case len(rest) > 1:
		return o, cli.Usagef("one ARCHIVE at a time, not %d", len(rest))
	case o.target != "" && o.target != "gotosocial" && o.target != "mastodon":
		return o, cli.Usagef("-target must be gotosocial or mastodon, not %q", o.target)
	}
	o.archive = rest[0]
	o.server = serverURL(o.server)
	switch *vis {
	case "":
	case "keep", "public", "unlisted", "private":
		o.im.Visibility = posts.Visibility(*vis)
	default:
		return o, cli.Usagef("-visibility must be keep, public, unlisted or private, not %q", *vis)
	}
	if o.im.Since, err = parseDate("-since", *since); err != nil {
		return o, err
	}
	if o.im.Until, err = parseDate("-until", *until); err != nil {
		return o, err
	}
	if !o.im.Since.IsZero() && !o.im.Until.IsZero() && !o.im.Until.After(o.im.Since) {
		return o, cli.Usagef("-until must be after -since")
	}
	o.im.Journal = o.state
	return o, nil
}

func parseDate(flag, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, cli.Usagef("%s %q is not a date (2006-01-02) or a time (2006-01-02T15:04:05Z)", flag, s)
}

// serverURL completes a bare host name with https://.
func serverURL(s string) string {
	if strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") {
		return strings.TrimSuffix(s, "/")
	}
	return "https://" + strings.TrimSuffix(s, "/")
}

// destination returns the destination for -target, asking the server
// what it runs when -target is empty.
func destination(ctx context.Context, client *mastodonapi.Client, target string) (posts.Destination, error) {
	if target == "" {
		lim, err := client.ReadInstanceLimits(ctx)
		if err != nil {
			return nil, fmt.Errorf("asking %s what it runs (give -target to say): %w", client.BaseURL, err)
		}
		target = "mastodon"
		if strings.Contains(strings.ToLower(lim.SourceURL+" "+lim.Version), "gotosocial") {
			target = "gotosocial"
		}
	}
	if target == "gotosocial" {
		return &posts.GoToSocial{Client: client}, nil
	}
	return &posts.Mastodon{Client: client}, nil
}

// dryRun prints the plan: each post with its changes, then the counts.
func dryRun(ctx context.Context, o *options, r *archive.Reader, dst posts.Destination, stdout io.Writer) error {
	caps, err := dst.Capabilities(ctx)
	if err != nil {
		return err
	}
	plan := &posts.Plan{}
	n, media := 0, 0
	for p, err := range o.im.Posts(r, caps, plan) {
		if err != nil {
			var pe *posts.PostError
			if errors.As(err, &pe) {
				if !o.asJSON {
					fmt.Fprintf(stdout, "cannot post: %s\n", termtext.Escape(err.Error()))
				}
				continue
			}
			return err
		}
		n++
		media += len(p.Media)
		if o.asJSON {
			continue
		}
		reply := ""
		if p.ReplyTo != "" {
			reply = ", threaded"
		}
		fmt.Fprintf(stdout, "%s %s%s, %s: %s\n", p.Published.UTC().Format(time.DateOnly), p.Visibility, reply,
			cli.Plural(int64(len(p.Media)), "file", ""), termtext.Escape(p.URL))
		for _, ch := range p.Changes {
			line := "  " + string(ch.Kind)
			if ch.Detail != "" {
				line += ": " + ch.Detail
			}
			fmt.Fprintln(stdout, termtext.Escape(line))
		}
	}
	res := &posts.Result{Skipped: plan.Skipped, Changed: plan.Changed}
	if o.asJSON {
		return writeJSON(stdout, res, map[string]any{"planned": n, "planned_media": media, "dry_run": true,
			"wait_seconds": int(caps.Estimate(n, media).Seconds())})
	}
	fmt.Fprintf(stdout, "plan: %s, %s to upload\n", cli.Plural(int64(n), "post", ""), cli.Plural(int64(media), "file", ""))
	fmt.Fprintf(stdout, "skipped: %s\n", counts(plan.Skipped))
	fmt.Fprintf(stdout, "changed: %s\n", counts(plan.Changed))
	if w := caps.Estimate(n, media); w > 0 {
		fmt.Fprintf(stdout, "the server's rate limits make this take at least %s\n", w.Round(time.Minute))
	}
	return nil
}

// counts writes "boost 3, like 2", sorted by name, or "none".
func counts[K ~string](m map[K]int) string {
	if len(m) == 0 {
		return "none"
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}

// report prints the result: a summary and the failures, or one JSON
// object.
func report(stdout, stderr io.Writer, res *posts.Result, asJSON bool) {
	if asJSON {
		writeJSON(stdout, res, nil)
		return
	}
	fmt.Fprintf(stdout, "posted %d, media %d, resumed %d, failed %d\n", res.Posted, res.Media, res.Resumed, len(res.Failed))
	fmt.Fprintf(stdout, "skipped: %s\n", counts(res.Skipped))
	fmt.Fprintf(stdout, "changed: %s\n", counts(res.Changed))
	if res.Plan != nil {
		for _, err := range res.Plan.Errors {
			fmt.Fprintf(stderr, "not posted: %s\n", termtext.Escape(err.Error()))
		}
	}
	for _, f := range res.Failed {
		again := "refused"
		if f.Temporary() {
			again = "temporary, will be tried again"
		}
		fmt.Fprintf(stderr, "failed: %s (%s): %s (%s)\n", termtext.Escape(f.URL), f.Published.UTC().Format(time.DateOnly),
			termtext.Escape(f.Detail), again)
	}
}

// writeJSON prints the one JSON object of -json.
func writeJSON(w io.Writer, res *posts.Result, extra map[string]any) error {
	type failure struct {
		ID        string    `json:"id"`
		URL       string    `json:"url"`
		Published time.Time `json:"published"`
		Reason    string    `json:"reason"`
		Temporary bool      `json:"temporary"`
	}
	out := map[string]any{
		"posted": res.Posted, "media": res.Media, "resumed": res.Resumed, "failed": len(res.Failed),
		"skipped": orEmpty(res.Skipped), "changed": orEmpty(res.Changed),
	}
	fails := []failure{}
	for _, f := range res.Failed {
		fails = append(fails, failure{f.ID, f.URL, f.Published, f.Detail, f.Temporary()})
	}
	out["failures"] = fails
	maps.Copy(out, extra)
	b, err := json.Marshal(out)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

func orEmpty[K comparable](m map[K]int) map[K]int {
	if m == nil {
		return map[K]int{}
	}
	return m
}

// progress writes a line of progress at most every so often, and one for
// each rate-limit wait.
type progress struct {
	w     io.Writer
	every time.Duration
	quiet bool
	last  time.Time
	waits int
}

func (p *progress) show(pr posts.Progress) {
	if p.quiet {
		return
	}
	if pr.Wait > 0 {
		p.waits++
		p.line("waiting %s for the server's rate limit", pr.Wait.Round(time.Second))
		return
	}
	if time.Since(p.last) < p.every && pr.Done < pr.Total {
		return
	}
	p.last = time.Now()
	left := ""
	if pr.Done < pr.Total {
		left = fmt.Sprintf(", about %s left", pr.Left.Round(time.Second))
	}
	p.line("%d of %s, %s, %s%s", pr.Done, cli.Plural(int64(pr.Total), "post", ""), cli.Plural(int64(pr.Media), "file", ""),
		cli.Plural(int64(p.waits), "rate-limit wait", ""), left)
}

func (p *progress) line(format string, args ...any) {
	if p.quiet {
		return
	}
	fmt.Fprintf(p.w, format+"\n", args...)
}
