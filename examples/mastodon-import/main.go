// Command mastodon-import imports Mastodon CSV exports (follows, lists,
// blocks, mutes, domain blocks, bookmarks) into an account through the
// Mastodon client API.
//
//	go run ./examples/mastodon-import -server HOST -token TOKEN [-mode merge|overwrite] [-dry-run] [-state FILE] FILE...
//
// HOST is the server's name (mastodon.social; https:// is assumed) or
// its URL. A plain http:// URL is refused unless the server is on this
// machine or -allow-http is given: the token would cross the network
// unencrypted.
// The type of each file is guessed from its header and name (-type sets
// it). For each file it reads the account's current state, computes the
// plan, and applies it; -dry-run prints the plan instead. With -state,
// progress is journaled so that an interrupted import, started again
// with the same arguments, goes on where it stopped (with several files,
// each gets FILE.<name of the input>). Rows that fail are written next
// to the input, in the input's format, ready to import again, to a file
// named after the input: NAME_failures.csv for NAME.csv (or for a file
// NAME with another extension). For the files Mastodon exports this is
// Mastodon's own name (following_accounts.csv gives
// following_accounts_failures.csv), and two inputs in one folder never
// share it: should two inputs map to one name (a.csv and a.txt), or the
// name be another input's, the later input's failures go to
// NAME.EXT_failures.csv instead (a.txt_failures.csv).
//
// Rows naming the account itself are left out of follows, blocks and
// mutes (a server refuses them) and reported; in a lists file, the
// account is added to its own list without following itself.
//
// A file that fails does not stop the others: each file's outcome is
// reported, and a summary ends the run. A followers file is skipped
// (followers cannot be imported: each follower must follow again); a
// type the server does not support (GoToSocial has no per-account
// domain blocks) is skipped and reported. A follow the server took as a
// request not accepted yet (a locked account, or a remote one whose
// server has not answered) is reported as requested. Progress is shown
// on standard error (a live bar on a terminal, a line every few seconds
// otherwise; -quiet turns it off), and a rate limit is waited out and
// announced ("rate limited by HOST, waiting 5m0s").
//
// An empty file (0 bytes, as GoToSocial exports an empty list) holds no
// rows when its type is known (from -type or its name). In overwrite
// mode a file with no rows would remove everything of its type from the
// account, so it is refused unless -confirm-empty is given.
//
// Exit status: 0 when every file was imported in full, 3 when a file
// or a row failed or was skipped as unsupported (see the summary and the
// failures CSV), 1 when interrupted, 2 on bad usage.
package main

import (
	"bufio"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/fediport/fediport/examples/cli"
	"github.com/fediport/fediport/examples/termtext"
	"github.com/fediport/fediport/importer"
	"github.com/fediport/fediport/importer/mastodonapi"
)

//go:embed main.go
var source string

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr, display{}))
}

// display says how progress is shown: live (a terminal) or as plain
// lines, and how often; the zero value decides from the writer, with
// cli's defaults. Tests set every to 0 to see each line.
type display struct {
	set   bool // live and every are chosen, not decided from the writer
	live  bool
	every time.Duration
}

// progress returns the progress of one file's actions on w.
func (d display) progress(w io.Writer) *cli.Progress {
	if !d.set {
		return cli.NewProgress(w, "action", "")
	}
	return cli.NewProgressEvery(w, d.live, d.every, "action", "")
}

// run is the command, minus the process: testable.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, disp display) int {
	c := cli.New("mastodon-import", source, stdout, stderr)
	c.Exits = []string{"3  a file or a row failed, or was skipped as unsupported (see the summary and the failures CSV)"}
	fs := c.Flags
	server := fs.String("server", "", "server, such as mastodon.example (https:// is assumed) or a `URL`")
	token := fs.String("token", os.Getenv("MASTODON_TOKEN"), "access `token` (default $MASTODON_TOKEN)")
	mode := fs.String("mode", "merge", "merge (add and update) or overwrite (also remove what the file lacks)")
	typ := fs.String("type", "", "import `type` of every file (following, muting, blocking, domain_blocking, bookmarks, lists); guessed if empty")
	dryRun := fs.Bool("dry-run", false, "print the plan, change nothing")
	state := fs.String("state", "", "journal `FILE` to resume an interrupted import from")
	conc := fs.Int("concurrency", 4, "requests at once")
	confirmEmpty := fs.Bool("confirm-empty", false, "allow an overwrite with a file of no rows, which removes everything of its type")
	allowHTTP := fs.Bool("allow-http", false, "allow a plain http:// server off this machine (the token crosses the network unencrypted)")
	quiet := c.QuietFlag()
	files, err := c.Parse(args)
	m := importer.Merge
	var chosen importer.Type
	switch {
	case err != nil:
	case *server == "":
		err = cli.Usagef("missing -server: the server to import into, such as mastodon.social")
	case *token == "":
		err = cli.Usagef("missing -token: an access token of the account (or set $MASTODON_TOKEN)")
	case len(files) == 0:
		err = cli.Usagef("missing FILE: the CSV files to import")
	case *mode == "overwrite":
		m = importer.Overwrite
	case *mode != "merge":
		err = cli.Usagef("-mode must be merge or overwrite, not %q", *mode)
	}
	if err == nil && *typ != "" {
		if chosen, err = importer.ParseType(*typ); err != nil {
			err = cli.Usagef("-type %q is not an import type; valid types: %s", *typ, typeList())
		}
	}
	if err != nil {
		return c.Exit(err)
	}
	*server = serverURL(*server)

	var announce rateLimitAnnouncer
	client := &mastodonapi.Client{BaseURL: *server, Token: *token, AllowHTTP: *allowHTTP,
		OnRateLimit: func(host string, wait time.Duration) { announce.rateLimited(stderr, host, wait) }}
	// Output names taken: the inputs themselves, then each failures CSV.
	taken := map[string]bool{}
	for _, file := range files {
		taken[filepath.Clean(file)] = true
	}
	var outcomes []outcome
	for _, file := range files {
		journal := *state
		if journal != "" && len(files) > 1 {
			journal += "." + filepath.Base(file)
		}
		var progress *cli.Progress
		if !*quiet {
			progress = disp.progress(stderr)
		}
		announce.show(progress)
		imp := &fileImport{client: client, file: file, chosen: chosen, mode: m,
			journal: journal, concurrency: *conc, stdout: stdout, stderr: stderr, progress: progress,
			failures: failuresPath(file, taken), confirmEmpty: *confirmEmpty}
		o := imp.run(ctx, *dryRun)
		if ctx.Err() != nil {
			fmt.Fprintf(stderr, "mastodon-import: %s: interrupted: %s\n", file, termtext.Escape(fmt.Sprint(context.Cause(ctx))))
			return 1
		}
		if o.status == statusFailed {
			fmt.Fprintf(stderr, "mastodon-import: %s: %s\n", file, termtext.Escape(o.detail))
		}
		outcomes = append(outcomes, o)
	}
	status := 0
	if len(outcomes) > 1 {
		fmt.Fprintln(stdout, "summary:")
	}
	for _, o := range outcomes {
		if len(outcomes) > 1 {
			fmt.Fprintf(stdout, "  %s: %s: %s\n", o.file, o.status, termtext.Escape(o.detail))
		}
		if o.status == statusFailed || o.status == statusUnsupported {
			status = 3
		}
	}
	return status
}

// What became of a file.
const (
	statusDone        = "done"
	statusFailed      = "failed"
	statusUnsupported = "skipped, not supported by the server"
	statusSkipped     = "skipped"
)

// outcome is what became of one file, for the summary.
type outcome struct {
	file, status, detail string
}

// rateLimitAnnouncer says when a server's rate limit makes the import
// wait, once per wait: the workers that hit the same limit at once do
// not each announce it. It says it through the progress shown, above its
// live line, or as a line of its own with -quiet.
type rateLimitAnnouncer struct {
	mu       sync.Mutex
	until    time.Time
	progress *cli.Progress
}

// show makes the announcements go through p (nil: plain lines).
func (a *rateLimitAnnouncer) show(p *cli.Progress) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.progress = p
}

func (a *rateLimitAnnouncer) rateLimited(w io.Writer, host string, wait time.Duration) {
	end := time.Now().Add(wait)
	a.mu.Lock()
	defer a.mu.Unlock()
	if end.Before(a.until.Add(time.Second)) {
		return
	}
	a.until = end
	if a.progress != nil {
		a.progress.Waiting(host, wait)
		return
	}
	fmt.Fprintf(w, "rate limited by %s, waiting %s\n", host, max(wait.Round(time.Second), time.Second))
}

type fileImport struct {
	client      *mastodonapi.Client
	file        string
	chosen      importer.Type
	mode        importer.Mode
	journal     string
	concurrency int
	stdout      io.Writer
	stderr      io.Writer
	progress    *cli.Progress // nil with -quiet
	failures    string        // where failed rows go
	// confirmEmpty allows an overwrite with no rows, which removes
	// everything of the type.
	confirmEmpty bool
}

// failuresPath returns the failures CSV for input: NAME_failures.csv
// next to NAME.csv, or NAME.EXT_failures.csv if that name is taken. It
// marks the name taken.
func failuresPath(input string, taken map[string]bool) string {
	dir, base := filepath.Split(filepath.Clean(input))
	stem := strings.TrimSuffix(base, filepath.Ext(base))
	out := filepath.Join(dir, stem+"_failures.csv")
	if taken[out] {
		out = filepath.Join(dir, base+"_failures.csv")
	}
	for n := 2; taken[out]; n++ {
		out = filepath.Join(dir, fmt.Sprintf("%s_failures_%d.csv", base, n))
	}
	taken[out] = true
	return out
}

// run imports one file and says what became of it.
func (f *fileImport) run(ctx context.Context, dryRun bool) outcome {
	o := outcome{file: f.file}
	failed := func(err error) outcome {
		o.status, o.detail = statusFailed, err.Error()
		if errors.Is(err, mastodonapi.ErrPlainHTTP) {
			o.detail = strings.Replace(o.detail, "set Client.AllowHTTP", "give -allow-http", 1)
		}
		return o
	}
	var plan *importer.Plan
	if f.journal != "" && !dryRun {
		if p, err := importer.ReadJournalPlan(f.journal); err == nil {
			plan = p // resume exactly what was started
			fmt.Fprintf(f.stdout, "%s: resuming the %s import from %s\n", f.file, plan.Type, f.journal)
		} else if !errors.Is(err, os.ErrNotExist) {
			return failed(err)
		}
	}
	if plan == nil {
		var err error
		plan, err = f.plan(ctx)
		switch {
		case errors.Is(err, importer.ErrFollowersImport):
			o.status, o.detail = statusSkipped, "followers cannot be imported: each follower must follow the new account (moving the old account redirects them)"
			fmt.Fprintf(f.stdout, "%s: %s: %s\n", f.file, o.status, o.detail)
			return o
		case errors.Is(err, importer.ErrUnsupported):
			o.status, o.detail = statusUnsupported, err.Error()
			fmt.Fprintf(f.stdout, "%s: %s: %s\n", f.file, o.status, o.detail)
			return o
		case err != nil:
			return failed(err)
		}
	}
	for _, sk := range plan.Skipped {
		fmt.Fprintf(f.stderr, "  skipped line %d, %s: %s\n", sk.Line, termtext.Escape(sk.Account), termtext.Escape(sk.Detail))
	}
	if dryRun {
		printPlan(f.stdout, f.file, plan)
		o.status, o.detail = statusDone, fmt.Sprintf("dry run, %s planned", cli.Plural(int64(len(plan.Actions)), "action", ""))
		return o
	}

	e := &importer.Engine{Concurrency: f.concurrency}
	if f.progress != nil {
		e.Progress = func(p importer.Progress) { f.progress.Set(int64(p.Done+p.Failed), int64(p.Total)) }
	}
	if f.journal != "" {
		j, err := importer.OpenJournal(f.journal, plan)
		if err != nil {
			return failed(err)
		}
		defer j.Close()
		e.Journal = j
	}
	res, err := e.Apply(ctx, plan, f.client.Destination())
	f.progress.Finish()
	if err != nil {
		return failed(err)
	}
	fmt.Fprintf(f.stdout, "%s: %d applied, %d resumed, %d failed of %d\n", f.file, res.Applied, res.Resumed, len(res.Failed), res.Total)
	o.status, o.detail = statusDone, fmt.Sprintf("%d applied, %d resumed of %d", res.Applied, res.Resumed, res.Total)
	if n := len(res.Requested); n > 0 {
		fmt.Fprintf(f.stdout, "%s: %s requested, not accepted yet (a locked account approves them, a remote server confirms them):\n", f.file, cli.Plural(int64(n), "follow", ""))
		for _, a := range res.Requested {
			fmt.Fprintf(f.stdout, "  requested: %s\n", termtext.Escape(describe(a)))
		}
		o.detail += fmt.Sprintf(", %s requested", cli.Plural(int64(n), "follow", ""))
	}
	for _, fl := range res.Failed {
		fmt.Fprintf(f.stderr, "  %s: %s\n", termtext.Escape(describe(fl.Action)), termtext.Escape(fmt.Sprint(fl.Err)))
	}
	if e.Journal != nil {
		e.Journal.Close()
		os.Remove(f.journal) // finished: nothing to resume
	}
	if len(res.Failed) == 0 {
		return o
	}
	o.status, o.detail = statusFailed, fmt.Sprintf("%d of %d failed", len(res.Failed), res.Total)
	if len(res.FailedRows()) > 0 {
		out := f.failures
		if err := writeFile(out, res.WriteFailures); err != nil {
			o.detail += "; writing the failed rows: " + err.Error()
			return o
		}
		fmt.Fprintf(f.stdout, "%s: failed rows written to %s\n", f.file, out)
		o.detail += "; failed rows in " + out
	}
	return o
}

// plan reads the file and the account's state and computes the plan.
func (f *fileImport) plan(ctx context.Context) (*importer.Plan, error) {
	fh, err := os.Open(f.file)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	br := bufio.NewReader(fh)
	head, _ := br.Peek(4096)
	t := f.chosen
	if t == "" {
		var reason string
		if t, reason = importer.DetectType(head, f.file); t == "" {
			return nil, errors.New("cannot tell the import type; use -type")
		}
		fmt.Fprintf(f.stdout, "%s: importing as %s (%s)\n", f.file, t, reason)
	} else if err := importer.CheckType(t, head, f.file); err != nil {
		fmt.Fprintf(f.stderr, "warning: %s: %s\n", f.file, termtext.Escape(err.Error()))
	}
	if t == importer.Followers {
		// Refused by the plan, before asking the server anything.
		return nil, importer.ErrFollowersImport
	}
	domain, err := f.client.Domain(ctx)
	if err != nil {
		return nil, err
	}
	r := importer.NewReader(br, t)
	r.FileName, r.LocalDomain = f.file, domain
	rows, err := r.ReadAll()
	switch {
	case errors.Is(err, importer.ErrEmpty):
		// GoToSocial exports an empty list as a 0-byte file: with the
		// type known, it holds no rows.
		fmt.Fprintf(f.stdout, "%s: empty file: no rows\n", f.file)
		rows = nil
	case errors.Is(err, importer.ErrInvalidRow):
		fmt.Fprintf(f.stderr, "warning: rows skipped:\n%s\n", strings.Join(escapeLines(err.Error()), "\n"))
	case err != nil:
		return nil, err
	}
	if len(rows) == 0 && f.mode == importer.Overwrite && !f.confirmEmpty {
		return nil, fmt.Errorf("the file has no rows: an overwrite would remove every %s entry of the account; give -confirm-empty to do that", t)
	}
	current, err := f.client.ReadState(ctx, t)
	if err != nil {
		return nil, err
	}
	self, err := f.client.Self(ctx)
	if err != nil {
		return nil, err
	}
	return (&importer.Planner{LocalDomain: domain, Self: self}).Plan(t, f.mode, current, rows)
}

// serverURL returns the -server value as a URL: a bare host name
// (mastodon.social) gets https://.
func serverURL(server string) string {
	if !strings.Contains(server, "://") {
		return "https://" + server
	}
	return server
}

// typeList returns the import types, for messages.
func typeList() string {
	names := make([]string, len(importer.Types()))
	for i, t := range importer.Types() {
		names[i] = string(t)
	}
	return strings.Join(names, ", ")
}

func printPlan(w io.Writer, file string, plan *importer.Plan) {
	fmt.Fprintf(w, "%s: plan for a %s %s import, %s:\n", file, plan.Mode, plan.Type, cli.Plural(int64(len(plan.Actions)), "action", ""))
	for _, a := range plan.Actions {
		fmt.Fprintf(w, "  %s\n", termtext.Escape(describe(a)))
	}
}

// escapeLines splits text into lines, each escaped for the terminal.
func escapeLines(text string) []string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = termtext.Escape(l)
	}
	return lines
}

// describe returns a line for an action, such as "follow bob@x.example".
func describe(a importer.Action) string {
	var parts []string
	parts = append(parts, a.Kind.String())
	if a.List != "" {
		parts = append(parts, fmt.Sprintf("%q", a.List))
	}
	for _, s := range []string{a.Account, a.Domain, a.URI} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	if o := a.Follow; o.ShowBoosts != nil || o.Notify != nil || o.Languages != nil {
		if o.ShowBoosts != nil {
			parts = append(parts, fmt.Sprintf("boosts=%t", *o.ShowBoosts))
		}
		if o.Notify != nil {
			parts = append(parts, fmt.Sprintf("notify=%t", *o.Notify))
		}
		if o.Languages != nil {
			parts = append(parts, "languages="+strings.Join(o.Languages, ","))
		}
	}
	if a.HideNotifications != nil {
		parts = append(parts, fmt.Sprintf("hide-notifications=%t", *a.HideNotifications))
	}
	if a.Line > 0 {
		parts = append(parts, fmt.Sprintf("(line %d)", a.Line))
	}
	return strings.Join(parts, " ")
}

// writeFile writes the failures CSV: readable by its owner only (it
// holds the account's follows), written to a new file and renamed into
// place, so a link planted under its name is replaced, never followed,
// and no other file is ever truncated.
func writeFile(name string, write func(io.Writer) error) error {
	return cli.WriteFile(name, 0o600, write)
}
