package render

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/fediport/fediport/archive"
)

// post is a status prepared for rendering: sanitised HTML, media
// copied into the output, everything a template or the Markdown writer
// shows.
type post struct {
	Anchor     string // fragment id, "s-" + 16 hex
	Boost      bool
	BoostOf    string // URI of the boosted status
	Published  time.Time
	Edited     time.Time
	URL        string // link to the original
	Lang       string // BCP 47 tag for lang=, "" when unknown
	Visibility string
	CW         string
	Sensitive  bool
	Content    string // sanitised HTML
	Text       string // plain text, for search and Markdown fallbacks
	Media      []media
	Links      []link // link previews
	Poll       *poll
	ReplyTo    string // URI of the parent, "" when not a reply
	ParentPage int    // page of the parent in this site, 0 when not here
	Parent     string // anchor of the parent
	Hashtags   []string
	InThread   bool // replies to a post shown just before it
}

type media struct {
	Kind    string // image, video, audio, file, missing
	Src     string // path in the output
	Alt     string
	Type    string
	Width   int
	Height  int
	Missing bool
	Orig    string // http(s) URL of a missing file on its server, "" when none
}

type link struct {
	Href, Title string
}

type poll struct {
	Multiple bool
	Voters   int
	Total    int // sum of votes: the denominator of shares
	Ends     time.Time
	Closed   bool
	Options  []pollOption
}

type pollOption struct {
	Name    string
	Votes   int
	Percent int
}

// anchorOf returns the fragment id of a status URI.
func anchorOf(uri string) string {
	return fmt.Sprintf("s-%016x", hashOf(uri))
}

func hashOf(uri string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(uri))
	return h.Sum64()
}

// preparePost turns a status into a post, copying its media into the
// output. It fails only when writing the output fails.
func preparePost(s *archive.Status, ar *archive.Reader, root *output, sum *Result) (*post, error) {
	p := &post{
		Published:  s.Published.UTC(),
		Visibility: string(s.Visibility),
		URL:        s.URL,
	}
	if p.URL == "" {
		p.URL = s.ID
	}
	if s.IsBoost() {
		p.Boost = true
		p.BoostOf = s.ID
		p.Anchor = anchorOf(s.ActivityID)
		if s.Type == "" { // a bare URI: nothing else to show
			return p, nil
		}
	} else {
		p.Anchor = anchorOf(s.ID)
	}
	if !s.Updated.IsZero() {
		p.Edited = s.Updated.UTC()
	}
	p.Lang = langTag(s.Language)
	p.CW = s.Summary
	p.Sensitive = s.Sensitive
	p.Content = Sanitize(s.Content)
	p.Text = plainText(p.Content, maxSearchText)
	p.ReplyTo = s.InReplyTo
	for _, t := range s.Hashtags {
		if name := strings.TrimPrefix(t.Name, "#"); name != "" {
			p.Hashtags = append(p.Hashtags, name)
		}
	}
	for i := range s.Attachments {
		a := &s.Attachments[i]
		if a.IsLink() {
			p.Links = append(p.Links, link{Href: a.URL, Title: a.Name})
			continue
		}
		m, err := copyMedia(a, ar, root, sum)
		if err != nil {
			return nil, err
		}
		p.Media = append(p.Media, m)
	}
	if s.Poll != nil {
		q := &poll{Multiple: s.Poll.Multiple, Voters: s.Poll.VotersCount, Ends: s.Poll.EndTime.UTC(), Closed: !s.Poll.Closed.IsZero()}
		for _, o := range s.Poll.Options {
			q.Total += max(o.Votes, 0)
		}
		for _, o := range s.Poll.Options {
			pct := 0
			if q.Total > 0 {
				pct = (max(o.Votes, 0)*100 + q.Total/2) / q.Total
			}
			q.Options = append(q.Options, pollOption{Name: o.Name, Votes: o.Votes, Percent: pct})
		}
		p.Poll = q
	}
	return p, nil
}

// copyMedia copies an attachment's file into the output under media/,
// keeping its archive path where it can (see [mediaNames]), and says
// how to show it. It fails only when writing the output fails; a file
// the archive lacks is shown missing. When the media were copied ahead
// (see [prepareMedia]), it uses what was copied; otherwise it copies
// each file the first time a post shows it.
func copyMedia(a *archive.Attachment, ar *archive.Reader, root *output, sum *Result) (media, error) {
	m := media{Alt: a.Name, Type: a.MediaType, Width: a.Width, Height: a.Height}
	missing := func(err error) (media, error) {
		sum.Missing++
		if err != nil {
			sum.problem(err)
		}
		m.Kind, m.Missing, m.Orig = "missing", true, webURL(a.URL)
		return m, nil
	}
	name := a.Path
	if !mediaName(name) {
		return missing(fmt.Errorf("media %q: names no archive entry", a.URL))
	}
	key := root.mediaKey(name)
	c, ok := root.copies[key]
	if !ok {
		if root.ahead {
			c.err = fmt.Errorf("media %s: not in the archive", name)
		} else {
			// Each file is copied once, however many posts show it.
			if c = writeMedia(ar, root, name, a.MediaType); c.output {
				return m, c.err
			}
			root.copies[key] = c
		}
	}
	if c.err != nil {
		return missing(c.err)
	}
	if !c.shown {
		sum.Media++ // distinct files, not references
		c.shown = true
		root.copies[key] = c
	}
	m.Kind, m.Src = c.kind, c.dst
	return m, nil
}

// mediaName reports whether an attachment's archive path is one media
// are copied from.
func mediaName(name string) bool {
	return name != "" && fs.ValidPath(name) && !strings.HasPrefix(path.Base(name), ".")
}

// copied is the outcome of copying one media file: how to show it and
// where it is, or why it is missing; output marks an error writing the
// output, which stops the rendering; shown, that a post shows it (and
// it was counted in [Result.Media]).
type copied struct {
	kind, dst string
	err       error
	output    bool
	shown     bool
}

// writeMedia copies the media file at archive path name, declared of
// the given media type, into the output.
func writeMedia(ar *archive.Reader, root *output, name, mediaType string) copied {
	kind, out := mediaKind(mediaType, name)
	f, err := ar.Open(name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return copied{err: fmt.Errorf("media %s: not in the archive", name)}
		}
		return copied{err: fmt.Errorf("media %s: %w", name, err)}
	}
	defer f.Close()
	dst, ok := root.media.assign(out)
	if !ok {
		return copied{err: fmt.Errorf("media %s: no free name in the output", name)}
	}
	if err := copyFile(root, dst, f); err != nil {
		return copied{err: err, output: isOutputError(err)}
	}
	return copied{kind: kind, dst: dst}
}

// prepareMedia copies the media of a .tar.gz archive into the output
// before the posts are rendered, in the order the stream stores them:
// opened as the posts come, each file stored before the last one read
// would inflate the stream again from its start (a 149 KB archive took
// 107 s). It reads the outbox once more to learn which files the posts
// use; copyMedia then takes them from root.copies.
func prepareMedia(ctx context.Context, ar *archive.Reader, root *output) error {
	wanted := map[string]string{} // archive path -> declared media type
	for st, err := range ar.Statuses() {
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		if err != nil {
			if st == nil {
				break // the rendering pass reports it
			}
			continue
		}
		if !shown(st) {
			continue // its media are not shown either
		}
		for _, a := range st.Media() {
			if _, ok := wanted[a.Path]; !ok && mediaName(a.Path) && ar.Has(a.Path) {
				wanted[a.Path] = a.MediaType
			}
		}
	}
	root.ahead = true
	root.copies = make(map[uint64]copied, len(wanted))
	for _, name := range ar.StoredOrder() {
		mt, ok := wanted[name]
		if !ok {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		c := writeMedia(ar, root, name, mt)
		if c.output {
			return c.err
		}
		root.copies[root.mediaKey(name)] = c
	}
	return nil
}

// Media extensions shown, by kind: the image, video and audio types
// Mastodon accepts for attachments. Browsers (from file:// URLs) and
// web servers choose how to treat a file by its extension, so only
// these are written under their own extension.
var (
	imageExts = []string{".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".heic", ".heif", ".bmp"}
	videoExts = []string{".mp4", ".m4v", ".mov", ".webm"}
	audioExts = []string{".mp3", ".ogg", ".oga", ".opus", ".m4a", ".wav", ".flac", ".aac", ".3gp", ".wma"}
)

// mediaKind says how the media file at archive path name is shown
// (image, video, audio, or file: a download) and the name to write it
// under. Only the extensions of [imageExts], [videoExts] and
// [audioExts] are kept, and only when the declared media type does not
// say otherwise (an SVG or HTML document named .png); anything else is
// an inert download, its extension folded into the name before ".bin"
// (evil.shtml becomes evil_shtml.bin), never a page a browser or web
// server would run. Dots before the extension become '_' as well, so
// that no server reads a second extension (a.php.png) either.
func mediaKind(mediaType, name string) (kind, out string) {
	dir, base := path.Split(name)
	ext := strings.ToLower(path.Ext(base))
	stem := strings.ReplaceAll(strings.TrimSuffix(base, path.Ext(base)), ".", "_")
	mt := strings.ToLower(mediaType)
	document := strings.Contains(mt, "svg") || strings.Contains(mt, "html") || strings.Contains(mt, "xml") || strings.Contains(mt, "script")
	switch {
	case document:
	case slices.Contains(imageExts, ext):
		kind = "image"
	case slices.Contains(videoExts, ext):
		kind = "video"
	case slices.Contains(audioExts, ext):
		kind = "audio"
	}
	if kind == "" {
		if e := strings.TrimPrefix(path.Ext(base), "."); e != "" {
			stem += "_" + e
		}
		return "file", dir + stem + ".bin"
	}
	return kind, dir + stem + path.Ext(base)
}

// langTag turns a contentMap key into a BCP 47 tag ("zhCn" becomes
// "zh-CN"), or "" when it is not a plausible tag.
func langTag(s string) string {
	if s == "" || len(s) > 35 {
		return ""
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return ""
		}
	}
	s = strings.ReplaceAll(s, "_", "-")
	// Mastodon's camel-cased keys: zhCn, zhTw, ptBr.
	if len(s) == 4 && 'a' <= s[0] && s[0] <= 'z' && 'a' <= s[1] && s[1] <= 'z' && 'A' <= s[2] && s[2] <= 'Z' {
		return s[:2] + "-" + strings.ToUpper(s[2:])
	}
	return s
}

// dateLayout is the one format of dates and times shown, in HTML and
// Markdown; the pages' time.js shows the same format in the reader's
// time zone.
const dateLayout = "2 Jan 2006, 15:04 UTC"

// dayLayout is the format of a day alone (the dates a timeline page
// spans).
const dayLayout = "2 Jan 2006"

// shownDate formats t for a reader, in UTC.
func shownDate(t time.Time) string { return t.UTC().Format(dateLayout) }

// maxAuthorName bounds the user name authorOf takes from a URI.
const maxAuthorName = 64

// authorOf returns how a reader sees who wrote the status at uri, short
// enough for a line: "@bob@example.social" when uri has one of the
// shapes Mastodon (and GoToSocial, and servers that copy them) give
// status URIs and URLs, https://host/users/NAME/statuses/ID and
// https://host/@NAME/ID; else "a post on host", for OStatus tag: URIs
// too; else "" (not an http, https or tag: URI). Nothing is decoded but
// the path's percent-escapes; a name with anything but letters, digits,
// '_', '.' and '-' is not taken, nor a host with anything but ASCII
// letters, digits, '.', '-', ':' and brackets.
func authorOf(uri string) string {
	if rest, ok := strings.CutPrefix(uri, "tag:"); ok {
		// OStatus-era URIs, tag:host,2017-04-01:objectId=16:objectType=Status.
		if host, _, ok := strings.Cut(rest, ","); ok && host != "" && plainHost(host) {
			return "a post on " + strings.ToLower(host)
		}
		return ""
	}
	if webURL(uri) == "" {
		return ""
	}
	u, err := url.Parse(uri)
	if err != nil || u.Hostname() == "" || !plainHost(u.Host) {
		return ""
	}
	host := strings.ToLower(u.Host)
	seg := strings.Split(strings.Trim(u.Path, "/"), "/")
	name := ""
	switch {
	case len(seg) >= 4 && seg[0] == "users" && seg[2] == "statuses":
		name = seg[1]
	case len(seg) >= 2 && strings.HasPrefix(seg[0], "@"):
		name = seg[0][1:]
		// https://host/@bob@other.example/ID: a remote account as its
		// own server shows it.
		if n, h, ok := strings.Cut(name, "@"); ok && plainHost(h) && h != "" {
			name, host = n, strings.ToLower(h)
		}
	}
	if userName(name) {
		return "@" + name + "@" + host
	}
	return "a post on " + host
}

// userName reports whether s is a plausible user name: 1 to 64
// letters, digits, '_', '.' or '-'.
func userName(s string) bool {
	if s == "" || len(s) > maxAuthorName {
		return false
	}
	for _, r := range s {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '.' || r == '-') {
			return false
		}
	}
	return true
}

// plainHost reports whether h is a host name (with an optional port)
// of ASCII letters, digits, '.', '-' and ':', or a bracketed IPv6
// address.
func plainHost(h string) bool {
	if len(h) > 253 {
		return false
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-' || c == ':' || c == '[' || c == ']') {
			return false
		}
	}
	return true
}

// visibilityLabel is what a reader sees for a visibility.
func visibilityLabel(v string) string {
	switch v {
	case "public":
		return "Public"
	case "unlisted":
		return "Unlisted"
	case "private":
		return "Followers only"
	case "direct":
		return "Direct"
	}
	return "Unknown visibility"
}

// pageName is the file of timeline page n (1 is the oldest).
func pageName(n int) string {
	return "page-" + strconv.Itoa(n) + ".html"
}

// webURL returns u when it is an http or https URL a link may point
// to, else "".
func webURL(u string) string {
	if strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://") {
		return u
	}
	return ""
}
