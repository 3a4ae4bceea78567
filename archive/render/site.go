package render

import (
	"bufio"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"iter"
	"os"
	"strconv"
	"time"

	"github.com/fediport/fediport/archive"
)

//go:embed assets
var assets embed.FS

// csp is the Content-Security-Policy of every page: nothing from the
// network, scripts, styles and media only from files beside the page.
const csp = "default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'self'; script-src 'self'; form-action 'self'; base-uri 'none'"

var pageTemplates = template.Must(template.New("").Funcs(template.FuncMap{
	"csp":      func() string { return csp },
	"trusted":  func(s string) template.HTML { return template.HTML(s) }, // only ever given Sanitize output
	"webURL":   webURL,
	"pageName": pageName,
	"visLabel": visibilityLabel,
	"iso":      func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"dateOf":   shownDate,
	"dayOf":    func(t time.Time) string { return t.UTC().Format(dayLayout) },
	"authorOf": authorOf,
	"hostOf":   hostOf,
}).ParseFS(assets, "assets/page.tmpl"))

// pageData is what the page templates are executed with.
type pageData struct {
	Title   string
	Nav     string // index, page, months, likes, bookmarks, search
	Profile *profile

	// Timeline pages.
	Number    int
	Latest    bool      // the newest page, named rather than numbered
	From, To  time.Time // the oldest and newest post of the page
	Newer     int       // page number of newer posts, 0 when none
	NewerHref string
	Older     int
	Count     int
	Groups    [][]*post
	Problems  int

	// Months.
	Months []monthEntry

	// Likes and bookmarks.
	Heading, Empty     string
	Items              []string
	Start              int
	PrevHref, NextHref string
}

type monthEntry struct {
	Key, Label string // "2023-01", "January 2023"
	Page       int    // page of the month's first post
	Anchor     string
	Count      int
}

// site renders the HTML output. Page files are numbered from the
// oldest post: page-1.html holds the first PageSize statuses of the
// outbox, and the newest page (written twice, as page-N.html and
// index.html) may be short. Readers see no numbers: the newest page is
// named "Latest posts", the others by the days they span (see flush). This lets statuses stream in the outbox's order, oldest first,
// holding one page in memory: a page is written once the first status
// of the next one arrives, when its "newer" link is known. Page numbers
// of old posts also stay the same when a later archive of the same
// account is rendered.
type site struct {
	ar   *archive.Reader
	root *output
	prof *profile
	size int
	sum  *Result

	page   int     // number of the page being filled
	chunk  []*post // its posts, oldest first
	pageOf map[uint64]int32
	months []monthEntry

	index      *bufio.Writer
	indexFile  *countedFile
	indexFirst bool
}

func renderHTML(ctx context.Context, ar *archive.Reader, root *output, prof *profile, size int, sum *Result) (err error) {
	s := &site{ar: ar, root: root, prof: prof, size: size, sum: sum, page: 1, pageOf: map[uint64]int32{}, indexFirst: true}
	for _, name := range []string{"style.css", "search.js", "time.js"} {
		b, err := assets.ReadFile("assets/" + name)
		if err != nil {
			return err
		}
		if err := root.writeFile(name, b); err != nil {
			return err
		}
	}
	s.indexFile, err = root.create("index.js", os.O_TRUNC)
	if err != nil {
		return err
	}
	defer func() {
		if s.indexFile != nil {
			s.indexFile.Close()
		}
	}()
	s.index = bufio.NewWriterSize(s.indexFile, 64<<10)
	s.index.WriteString("// Search index of the posts, one array per post:\n// [page, anchor, unix time, visibility, has media, is boost, text, hashtags]\nwindow.fediportIndex = [\n")

	for st, err := range shownStatuses(ctx, ar, root, sum) {
		if err != nil {
			return err
		}
		if len(s.chunk) == s.size {
			if err := s.flush(true); err != nil {
				return err
			}
		}
		if err := s.root.post(sum); err != nil {
			return err
		}
		if err := s.add(st); err != nil {
			return err
		}
	}
	if err := s.flush(false); err != nil {
		return err
	}
	s.index.WriteString("];\n")
	if err := s.index.Flush(); err != nil {
		return fmt.Errorf("render: writing index.js: %w", err)
	}
	err = s.indexFile.Close()
	s.indexFile = nil
	if err != nil {
		return fmt.Errorf("render: writing index.js: %w", err)
	}
	if err := s.writeMonths(); err != nil {
		return err
	}
	likes, bookmarks := ar.Likes(), ar.Bookmarks()
	if sum.Likes, err = s.writeList("likes", "Likes", "This archive has no likes.", likes); err != nil {
		return err
	}
	if sum.Bookmarks, err = s.writeList("bookmarks", "Bookmarks", "This archive has no bookmarks.", bookmarks); err != nil {
		return err
	}
	return s.write("search.html", "search", &pageData{Title: "Search · " + s.prof.Name, Nav: "search", Profile: s.prof})
}

// add prepares one status and appends it to the page being filled.
func (s *site) add(st *archive.Status) error {
	p, err := preparePost(st, s.ar, s.root, s.sum)
	if err != nil {
		return err
	}
	if p.Boost {
		s.sum.Boosts++
	} else {
		s.sum.Posts++
		s.pageOf[hashOf(st.ID)] = int32(s.page)
	}
	if p.ReplyTo != "" {
		if pg, ok := s.pageOf[hashOf(p.ReplyTo)]; ok {
			p.ParentPage = int(pg)
			p.Parent = anchorOf(p.ReplyTo)
		}
	}
	key := p.Published.Format("2006-01")
	if n := len(s.months); n == 0 || s.months[n-1].Key != key {
		s.months = append(s.months, monthEntry{Key: key, Label: p.Published.Format("January 2006"), Page: s.page, Anchor: p.Anchor})
	}
	s.months[len(s.months)-1].Count++
	s.chunk = append(s.chunk, p)
	return s.indexPost(p)
}

// indexPost appends a post to index.js.
func (s *site) indexPost(p *post) error {
	text := p.Text
	if p.CW != "" {
		text = p.CW + " " + text
	}
	if p.Boost && text == "" {
		text = p.BoostOf
	}
	hasMedia := 0
	if len(p.Media) > 0 {
		hasMedia = 1
	}
	boost := 0
	if p.Boost {
		boost = 1
	}
	// encoding/json escapes <, >, &, U+2028 and U+2029: the line is
	// safe inside a script.
	b, err := json.Marshal([]any{s.page, p.Anchor, p.Published.Unix(), p.Visibility, hasMedia, boost, text, p.Hashtags})
	if err != nil {
		return fmt.Errorf("render: index: %w", err)
	}
	if !s.indexFirst {
		s.index.WriteString(",\n")
	}
	s.indexFirst = false
	_, err = s.index.Write(b)
	return err
}

// flush writes the page being filled; newer says whether a newer page
// follows. The last page is also written as index.html.
//
// Files are numbered from the oldest page, so that pages stream and
// keep their names when a later archive is rendered; but a reader sees
// no number counted from the wrong end: the newest page is named
// "Latest posts" (it is index.html, where the site opens), the others
// by the days they span.
func (s *site) flush(newer bool) error {
	d := &pageData{
		Nav:      "page",
		Profile:  s.prof,
		Number:   s.page,
		Latest:   !newer,
		Count:    len(s.chunk),
		Groups:   threads(s.chunk),
		Problems: s.sum.Skipped,
	}
	for i, p := range s.chunk {
		if i == 0 || p.Published.Before(d.From) {
			d.From = p.Published
		}
		if i == 0 || p.Published.After(d.To) {
			d.To = p.Published
		}
	}
	if d.Latest {
		d.Title = s.prof.Name + " · latest posts"
	} else {
		d.Title = s.prof.Name + " · posts of " + d.From.Format(dayLayout) + " – " + d.To.Format(dayLayout)
	}
	if s.page > 1 {
		d.Older = s.page - 1
	}
	if err := s.root.page(s.sum); err != nil {
		return err
	}
	if newer {
		d.Newer = s.page + 1
		d.NewerHref = pageName(s.page + 1)
		if err := s.write(pageName(s.page), "timeline", d); err != nil {
			return err
		}
		s.sum.Pages++
		s.page++
		s.chunk = make([]*post, 0, s.size)
		return nil
	}
	if len(s.chunk) > 0 {
		if err := s.write(pageName(s.page), "timeline", d); err != nil {
			return err
		}
		s.sum.Pages++
	}
	d.Nav = "index"
	d.Title = s.prof.Name
	if s.prof.Handle != "" {
		d.Title += " (" + s.prof.Handle + ")"
	}
	return s.write("index.html", "timeline", d)
}

// threads groups the posts of a page for display, newest first: a
// reply to a post of the same page joins that post's group, shown in
// the order written, as a thread. The archive holds only the account's
// own posts, so these are self-replies.
func threads(chunk []*post) [][]*post {
	groupOf := make(map[string]int, len(chunk))
	var groups [][]*post
	for _, p := range chunk {
		if p.ReplyTo != "" && !p.Boost {
			if g, ok := groupOf[p.Parent]; ok && p.Parent != "" && p.ParentPage != 0 {
				p.InThread = true
				groups[g] = append(groups[g], p)
				groupOf[p.Anchor] = g
				continue
			}
		}
		groupOf[p.Anchor] = len(groups)
		groups = append(groups, []*post{p})
	}
	for i, j := 0, len(groups)-1; i < j; i, j = i+1, j-1 {
		groups[i], groups[j] = groups[j], groups[i]
	}
	return groups
}

// write executes a template into a file of the output.
func (s *site) write(name, tmpl string, d *pageData) error {
	f, err := s.root.create(name, os.O_TRUNC)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 64<<10)
	err = pageTemplates.ExecuteTemplate(w, tmpl, d)
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("render: writing %s: %w", name, err)
	}
	return nil
}

// writeMonths writes months.html, newest month first.
func (s *site) writeMonths() error {
	// Statuses out of order (imported posts) can give a month twice:
	// keep the first entry and add up the counts.
	seen := map[string]int{}
	var ms []monthEntry
	for _, m := range s.months {
		if i, ok := seen[m.Key]; ok {
			ms[i].Count += m.Count
			continue
		}
		seen[m.Key] = len(ms)
		ms = append(ms, m)
	}
	for i, j := 0, len(ms)-1; i < j; i, j = i+1, j-1 {
		ms[i], ms[j] = ms[j], ms[i]
	}
	s.sum.Months = len(ms)
	return s.write("months.html", "months", &pageData{Title: "Months · " + s.prof.Name, Nav: "months", Profile: s.prof, Months: ms})
}

// writeList writes a paged list of status URIs (likes, bookmarks) as
// name.html, name-2.html, ...; it holds one page of URIs at a time.
func (s *site) writeList(name, heading, empty string, uris iter.Seq2[string, error]) (int, error) {
	file := func(n int) string {
		if n == 1 {
			return name + ".html"
		}
		return name + "-" + strconv.Itoa(n) + ".html"
	}
	n, total := 1, 0
	var items []string
	emit := func(more bool) error {
		d := &pageData{Title: heading + " · " + s.prof.Name, Nav: name, Profile: s.prof, Heading: heading, Empty: empty, Items: items, Start: total - len(items) + 1, Number: n}
		if n > 1 {
			d.PrevHref = file(n - 1)
		}
		if more {
			d.NextHref = file(n + 1)
		}
		return s.write(file(n), "list", d)
	}
	for uri, err := range uris {
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				s.sum.problem(err)
			}
			break
		}
		if len(items) == listPageSize {
			if err := emit(true); err != nil {
				return total, err
			}
			n++
			items = items[:0]
		}
		items = append(items, uri)
		total++
	}
	return total, emit(false)
}
