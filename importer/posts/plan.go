package posts

import (
	"errors"
	"fmt"
	"iter"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/fediport/fediport/archive"
)

// Defaults of an [Importer]; a zero field takes its default.
const (
	// DefaultMaxBytes bounds the HTML of one status.
	DefaultMaxBytes = 1 << 20
	// DefaultMaxPosts bounds the posts of one import.
	DefaultMaxPosts = 10_000_000
)

// Visibility is who may see an imported post: [Keep] keeps each post's,
// the others are the most a post may have ("unlisted" makes public posts
// unlisted and leaves followers-only ones alone).
type Visibility string

// The visibilities an [Importer] can give posts.
const (
	// DefaultVisibility is the destination's choice
	// ([Capabilities.Visibility]): keep on GoToSocial, whose backdated
	// posts reach no timeline; unlisted on a Mastodon-API server, where
	// every post lands in followers' home timelines.
	DefaultVisibility Visibility = ""
	Keep              Visibility = "keep"
	Public            Visibility = "public"
	Unlisted          Visibility = "unlisted"
	Private           Visibility = "private"
)

// rank orders visibilities from the most visible.
func rank(v archive.Visibility) int {
	switch v {
	case archive.Public:
		return 0
	case archive.Unlisted:
		return 1
	case archive.Private:
		return 2
	}
	return 3 // direct, or unknown: the least visible
}

// ChangeKind names a change made to a post because the destination
// cannot carry it as it was. Every change is counted by kind in
// [Plan.Changed] and [Result.Changed].
type ChangeKind string

// The changes an import makes.
const (
	// MentionDefused: a mention of another account became plain text
	// ("user@host") that notifies nobody.
	MentionDefused ChangeKind = "mention-defused"
	// ReplyAsLink: a reply to someone else's status became a post that
	// links the original.
	ReplyAsLink ChangeKind = "reply-as-link"
	// PollAsText: a poll became text listing its options and results.
	PollAsText ChangeKind = "poll-as-text"
	// MediaMissing: an attachment's file is not in the archive; the post
	// is made without it.
	MediaMissing ChangeKind = "media-missing"
	// MediaOverLimit: the post has more attachments than the destination
	// allows, or a file larger than it accepts; the post is made without
	// the extra ones.
	MediaOverLimit ChangeKind = "media-over-limit"
	// MediaRejected: the destination refused an attachment's file (a
	// type or size it does not take); the post is made without it.
	MediaRejected ChangeKind = "media-rejected"
	// AltTextShortened: an alt text was longer than the destination
	// allows.
	AltTextShortened ChangeKind = "alt-text-shortened"
	// DateInText: the destination cannot backdate; the original date is
	// stated in the post, with a link to the original.
	DateInText ChangeKind = "date-in-text"
	// VisibilityLowered: the post is less visible than it was.
	VisibilityLowered ChangeKind = "visibility-lowered"
	// TextShortened: the text was longer than the destination allows;
	// it is cut and links the original.
	TextShortened ChangeKind = "text-shortened"
	// LanguageDropped: the language is not an ISO 639 code the API
	// takes; the post is made without one.
	LanguageDropped ChangeKind = "language-dropped"
	// BoostedNow: a boost made again ([Importer.Boosts]) is made now:
	// no server backdates a boost, and the boosted status's author is
	// notified.
	BoostedNow ChangeKind = "boosted-now"
	// EditHistoryDropped: the status was edited; its latest version is
	// posted (an archive holds no other).
	EditHistoryDropped ChangeKind = "edit-history-dropped"
)

// Reasons a status of the archive is not posted, the keys of
// [Plan.Skipped] and [Result.Skipped].
const (
	SkipBoost      = "boost"  // an Announce: a boost, not a post ([Importer.Boosts] boosts again)
	SkipLike       = "like"   // likes.json: a like, not a post
	SkipDirect     = "direct" // a direct message ([Importer.IncludeDirect] imports them)
	SkipBeforeDate = "before-since"
	SkipAfterDate  = "after-until"
	SkipNotPost    = "not-a-post" // an item of another type than Create
	SkipUnreadable = "unreadable" // an item that could not be decoded
	SkipOverLimit  = "over-max-posts"
)

// Change is one change made to a post.
type Change struct {
	Kind ChangeKind
	// Detail says what changed, for people ("@bob@far.example", a file
	// name).
	Detail string
}

// Post is one status of the archive as it will be posted: its text in
// the destination's terms and the changes made to fit it.
type Post struct {
	// ID is the original status's URI; URL its web address.
	ID, URL string
	// Index is the status's position in the outbox.
	Index int
	// Published is the original date; Updated is set for an edited
	// status.
	Published, Updated time.Time
	// Text is what is posted, as plain text.
	Text string
	// Spoiler is the content warning; Sensitive marks the media.
	Spoiler   string
	Sensitive bool
	// Language is an ISO 639 code or "".
	Language string
	// Visibility is the visibility posted: public, unlisted, private or
	// direct.
	Visibility archive.Visibility
	// ReplyTo is the original URI of an earlier post of the import this
	// one replies to, or "".
	ReplyTo string
	// Media are the attachments to upload, in order.
	Media []Media
	// Boost, when not empty, makes the post a boost, made again
	// ([Importer.Boosts]): it is the URI of the status the archive
	// boosted, and ID is the boost's activity id. The text and the
	// rest are empty.
	Boost string
	// Changes are what was changed to fit the destination.
	Changes []Change
}

// Media is an attachment of a post whose file is in the archive.
type Media struct {
	// Path is the archive entry.
	Path string
	// MediaType is the type the archive states ("image/png").
	MediaType string
	// Description is the alt text.
	Description string
	// Focus is the focal point, or nil.
	Focus *[2]float64
	// Size is the file's size in bytes.
	Size int64
}

// Importer imports an archive's posts into an account. Set the fields,
// then call [Importer.Plan] to see what an import would do, or
// [Importer.Run] to do it. The zero value keeps what the destination
// allows, skips direct messages, and keeps no journal.
type Importer struct {
	// Visibility is the most visible an imported post may be (default
	// [DefaultVisibility], the destination's choice).
	Visibility Visibility
	// Boosts boosts again, through the destination's [Booster], the
	// statuses the archive boosted, in their place among the posts: a
	// boost made now (no server backdates one), which notifies the
	// author. Without it boosts are skipped and counted. A boost of a
	// post of the import boosts its copy.
	Boosts bool
	// IncludeDirect imports direct messages too (as direct posts with
	// their mentions defused: on GoToSocial they are visible to the
	// account alone).
	IncludeDirect bool
	// Since and Until, if not zero, import only the statuses published
	// at or after Since and before Until.
	Since, Until time.Time
	// MaxBytes bounds the HTML of one status (default
	// [DefaultMaxBytes]); a larger one fails with [ErrTooLarge].
	MaxBytes int64
	// MaxPosts bounds the posts of one import (default
	// [DefaultMaxPosts]); the rest are skipped as [SkipOverLimit].
	MaxPosts int

	// Journal is the file that records what was posted, so that an
	// import run again after a crash or an interruption, with the same
	// archive and destination, posts neither twice nor never. "" keeps
	// no journal: a second run posts everything again.
	Journal string

	// MaxAttempts, BaseDelay, MaxDelay and MaxRetryAfter say how a
	// failed request is retried (defaults [DefaultMaxAttempts],
	// [DefaultBaseDelay], [DefaultMaxDelay], [DefaultMaxRetryAfter]):
	// full-jitter exponential backoff, and a server's rate limit waited
	// out for as long as it asks, up to MaxRetryAfter.
	MaxAttempts         int
	BaseDelay, MaxDelay time.Duration
	MaxRetryAfter       time.Duration

	// Progress, if not nil, is called after each post, and when the
	// import waits for a rate limit, from the goroutine running
	// [Importer.Run]. It should return quickly.
	Progress func(Progress)
}

// Plan is what an import would do: counts of what is posted, skipped
// and changed.
type Plan struct {
	// Posts is how many posts will be made; Media how many files
	// uploaded.
	Posts, Media int
	// Replies is how many posts reply to an earlier post of the import
	// (and are threaded under its copy); Boosts how many of the posts
	// are boosts ([Importer.Boosts]).
	Replies, Boosts int
	// Oldest and Newest are the publication dates of the first and last
	// posts.
	Oldest, Newest time.Time
	// Skipped counts the statuses not posted, by reason ([SkipBoost],
	// ...).
	Skipped map[string]int
	// Changed counts the changes made to fit the destination, by kind.
	Changed map[ChangeKind]int
	// Errors are the items that could not be read, at most
	// archive.MaxListed of them.
	Errors []error
	// Wait is the time the destination's rate limits make an import of
	// the whole plan take at least ([Capabilities.PostRate]); 0 when it
	// has none.
	Wait time.Duration
}

// Plan reads the archive and returns what an import into a destination
// with these capabilities would do, without any request.
func (im *Importer) Plan(r *archive.Reader, caps Capabilities) (*Plan, error) {
	return im.plan(r, caps, im.refs(r))
}

func (im *Importer) plan(r *archive.Reader, caps Capabilities, refs map[uriKey]struct{}) (*Plan, error) {
	p := &Plan{Skipped: map[string]int{}, Changed: map[ChangeKind]int{}}
	for post, err := range im.posts(r, caps, p, refs) {
		if err != nil {
			var pe *PostError
			if errors.As(err, &pe) {
				continue // counted and listed by Posts
			}
			return p, err
		}
		p.Posts++
		p.Media += len(post.Media)
		if post.ReplyTo != "" {
			p.Replies++
		}
		if post.Boost != "" {
			p.Boosts++
		}
		if p.Oldest.IsZero() || post.Published.Before(p.Oldest) {
			p.Oldest = post.Published
		}
		if post.Published.After(p.Newest) {
			p.Newest = post.Published
		}
	}
	p.Wait = caps.Estimate(p.Posts, p.Media)
	return p, nil
}

// Posts streams the posts an import would make, oldest first (as the
// outbox holds them), each with its changes. Statuses it leaves out are
// counted in plan.Skipped and its changes in plan.Changed, if plan is not
// nil. An item that cannot be used yields a [*PostError] and the stream
// goes on; an error that ends the archive's stream ends it too. The
// iterator is single use. It reads the archive twice: first for the
// statuses that others reply to or boost, then for the posts.
func (im *Importer) Posts(r *archive.Reader, caps Capabilities, plan *Plan) iter.Seq2[*Post, error] {
	return func(yield func(*Post, error) bool) {
		for p, err := range im.posts(r, caps, plan, im.refs(r)) {
			if !yield(p, err) {
				return
			}
		}
	}
}

// refs returns the statuses of the archive that others reply to (or
// boost, with Boosts): the only ones whose copies' ids an import keeps,
// so that its memory grows with the threads, not with the archive. An
// error of the stream ends it; the pass of the posts reports it.
func (im *Importer) refs(r *archive.Reader) map[uriKey]struct{} {
	refs := map[uriKey]struct{}{}
	for s, err := range r.Statuses() {
		switch {
		case err != nil && s == nil:
			return refs
		case err != nil:
		case s.IsBoost() && im.Boosts:
			refs[keyOf(s.ID)] = struct{}{}
		case s.InReplyTo != "":
			refs[keyOf(s.InReplyTo)] = struct{}{}
		}
	}
	return refs
}

// posts is Posts with the refs known.
func (im *Importer) posts(r *archive.Reader, caps Capabilities, plan *Plan, refs map[uriKey]struct{}) iter.Seq2[*Post, error] {
	return func(yield func(*Post, error) bool) {
		if plan == nil {
			plan = &Plan{}
		}
		if plan.Skipped == nil {
			plan.Skipped = map[string]int{}
		}
		if plan.Changed == nil {
			plan.Changed = map[ChangeKind]int{}
		}
		b := builder{im: im, r: r, caps: caps, refs: refs, own: map[uriKey]bool{}}
		n := 0
		for s, err := range r.Statuses() {
			if err != nil {
				if s == nil {
					yield(nil, err)
					return
				}
				plan.Skipped[SkipUnreadable]++
				pe := &PostError{ID: s.ID, Index: s.Index, Err: err}
				if len(plan.Errors) < archive.MaxListed {
					plan.Errors = append(plan.Errors, pe)
				}
				if !yield(nil, pe) {
					return
				}
				continue
			}
			if reason := b.skip(s); reason != "" {
				plan.Skipped[reason]++
				continue
			}
			if n >= im.maxPosts() {
				plan.Skipped[SkipOverLimit]++
				continue
			}
			post, err := b.post(s)
			if err != nil {
				plan.Skipped[SkipUnreadable]++
				if len(plan.Errors) < archive.MaxListed {
					plan.Errors = append(plan.Errors, err)
				}
				if !yield(nil, err) {
					return
				}
				continue
			}
			n++
			for _, c := range post.Changes {
				plan.Changed[c.Kind]++
			}
			if !yield(post, nil) {
				return
			}
		}
		for _, err := range r.Likes() {
			if err != nil {
				break // no likes.json (or a damaged one): nothing to count
			}
			plan.Skipped[SkipLike]++
		}
	}
}

func (im *Importer) maxPosts() int {
	if im.MaxPosts > 0 {
		return im.MaxPosts
	}
	return DefaultMaxPosts
}

func (im *Importer) maxBytes() int64 {
	if im.MaxBytes > 0 {
		return im.MaxBytes
	}
	return DefaultMaxBytes
}

// builder turns statuses into posts, remembering the ones planned so
// far, for threading.
type builder struct {
	im   *Importer
	r    *archive.Reader
	caps Capabilities
	refs map[uriKey]struct{} // statuses others reply to or boost
	own  map[uriKey]bool     // those of them planned so far
}

// skip returns why s is not posted, or "".
func (b *builder) skip(s *archive.Status) string {
	switch {
	case s.IsBoost() && !b.im.Boosts:
		return SkipBoost
	case s.IsBoost():
		// boosted again: the date filters apply below
	case s.Activity != "Create" || (s.Type != "Note" && s.Type != "Question" && s.Type != "Article"):
		return SkipNotPost
	case s.Visibility == archive.Direct && !b.im.IncludeDirect && !s.IsBoost():
		return SkipDirect
	case !b.im.Since.IsZero() && s.Published.Before(b.im.Since):
		return SkipBeforeDate
	case !b.im.Until.IsZero() && !s.Published.Before(b.im.Until):
		return SkipAfterDate
	}
	return ""
}

// post builds the post of s.
func (b *builder) post(s *archive.Status) (*Post, error) {
	if s.IsBoost() {
		id := s.ActivityID
		if id == "" {
			id = s.ID + "#boost"
		}
		return &Post{ID: id, URL: s.ID, Index: s.Index, Published: s.Published, Boost: s.ID,
			Changes: []Change{{Kind: BoostedNow, Detail: s.ID}}}, nil
	}
	if int64(len(s.Content)) > b.im.maxBytes() || int64(len(s.Summary)) > b.im.maxBytes() {
		return nil, &PostError{ID: s.ID, Index: s.Index, Err: fmt.Errorf("%w: %d bytes of HTML, limit %d", ErrTooLarge, max(len(s.Content), len(s.Summary)), b.im.maxBytes())}
	}
	p := &Post{ID: s.ID, URL: s.URL, Index: s.Index, Published: s.Published, Updated: s.Updated,
		Spoiler: strings.TrimSpace(s.Summary), Sensitive: s.Sensitive}
	if p.URL == "" {
		p.URL = s.ID
	}
	change := func(k ChangeKind, detail string) {
		p.Changes = append(p.Changes, Change{Kind: k, Detail: detail})
	}
	if !s.Updated.IsZero() && s.Updated.After(s.Published) {
		change(EditHistoryDropped, "edited "+s.Updated.UTC().Format(time.DateOnly))
	}

	// Text, with mentions defused.
	mentions := make(map[string]string, len(s.Mentions))
	for _, m := range s.Mentions {
		if m.Href != "" && m.Name != "" {
			mentions[m.Href] = fullAddress(m)
		}
	}
	tr := htmlToText(s.Content, textOptions{mentions: mentions, self: b.caps.Self})
	text := tr.text
	for range tr.defused {
		change(MentionDefused, "")
	}
	if tr.defused > 0 {
		p.Changes[len(p.Changes)-1].Detail = mentionList(s.Mentions, b.caps.Self)
	}

	// Threading: a reply to an earlier post of the import is threaded
	// under its copy; any other reply links the original.
	if s.InReplyTo != "" {
		if b.own[keyOf(s.InReplyTo)] {
			p.ReplyTo = s.InReplyTo
		} else {
			text = "In reply to " + s.InReplyTo + "\n\n" + text
			change(ReplyAsLink, s.InReplyTo)
		}
	}
	if s.Poll != nil && !b.caps.Polls {
		text = joinParagraphs(text, pollText(s.Poll))
		change(PollAsText, fmt.Sprintf("%d options", len(s.Poll.Options)))
	}

	// Visibility.
	p.Visibility = s.Visibility
	switch p.Visibility {
	case archive.Public, archive.Unlisted, archive.Private, archive.Direct:
	default:
		p.Visibility = archive.Private // addressed to no one we can tell: the safer side
	}
	if limit := b.visibilityLimit(); limit != "" && rank(p.Visibility) < rank(limit) {
		change(VisibilityLowered, string(p.Visibility)+" -> "+string(limit))
		p.Visibility = limit
	}

	// Language.
	if s.Language != "" {
		if lang, ok := languageCode(s.Language); ok {
			p.Language = lang
		} else {
			change(LanguageDropped, s.Language)
		}
	}

	// Media.
	b.media(s, p, change)

	// The date, where it cannot be the post's own.
	if !b.caps.Backdate {
		text = joinParagraphs(text, "Originally posted "+s.Published.UTC().Format("2 January 2006 15:04 MST")+": "+p.URL)
		change(DateInText, s.Published.UTC().Format(time.DateOnly))
	}
	if limit := b.caps.MaxCharacters; limit > 0 && utf8.RuneCountInString(text)+utf8.RuneCountInString(p.Spoiler) > limit {
		text = shorten(text, limit-utf8.RuneCountInString(p.Spoiler), p.URL)
		change(TextShortened, p.URL)
	}
	p.Text = text
	if _, ok := b.refs[keyOf(s.ID)]; ok {
		b.own[keyOf(s.ID)] = true
	}
	return p, nil
}

func (b *builder) visibilityLimit() archive.Visibility {
	v := b.im.Visibility
	if v == DefaultVisibility {
		v = b.caps.Visibility
	}
	switch v {
	case Public:
		return archive.Public
	case Unlisted:
		return archive.Unlisted
	case Private:
		return archive.Private
	}
	return ""
}

// media fills p.Media with the attachments whose file is there and the
// destination takes.
func (b *builder) media(s *archive.Status, p *Post, change func(ChangeKind, string)) {
	for _, a := range s.Media() {
		name := a.Path
		if name == "" {
			name = a.URL
		}
		if a.Path == "" {
			change(MediaMissing, name)
			continue
		}
		fi, err := b.r.Stat(a.Path)
		if err != nil || !fi.Mode().IsRegular() {
			change(MediaMissing, name)
			continue
		}
		if b.caps.MaxMedia > 0 && len(p.Media) >= b.caps.MaxMedia {
			change(MediaOverLimit, path.Base(name)+": more than "+fmt.Sprint(b.caps.MaxMedia)+" attachments")
			continue
		}
		if b.caps.MaxMediaBytes > 0 && fi.Size() > b.caps.MaxMediaBytes {
			change(MediaOverLimit, fmt.Sprintf("%s: %d bytes, over %d", path.Base(name), fi.Size(), b.caps.MaxMediaBytes))
			continue
		}
		desc := strings.TrimSpace(a.Name)
		if l := b.caps.MaxDescription; l > 0 && utf8.RuneCountInString(desc) > l {
			desc = cutRunes(desc, l-1) + "…"
			change(AltTextShortened, path.Base(name))
		}
		m := Media{Path: a.Path, MediaType: a.MediaType, Description: desc, Size: fi.Size()}
		if a.FocalPoint != nil {
			f := *a.FocalPoint
			m.Focus = &f
		}
		p.Media = append(p.Media, m)
	}
}

// fullAddress returns "@user@host" for a mention tag, whose name may be
// "@user" for an account of the archive's own server.
func fullAddress(t archive.Tag) string {
	name := t.Name
	if strings.Count(name, "@") >= 2 {
		return name
	}
	if host := hrefHost(t.Href); host != "" {
		return strings.TrimSuffix(name, "@") + "@" + host
	}
	return name
}

func hrefHost(href string) string {
	_, rest, ok := strings.Cut(href, "://")
	if !ok {
		return ""
	}
	host, _, _ := strings.Cut(rest, "/")
	return host
}

// mentionList names the defused mentions for a change's detail.
func mentionList(tags []archive.Tag, self string) string {
	var names []string
	for _, t := range tags {
		if t.Href != self {
			names = append(names, fullAddress(t))
		}
	}
	return strings.Join(names, " ")
}

// pollText lists a poll's options and results.
func pollText(p *archive.Poll) string {
	var b strings.Builder
	total := 0
	for _, o := range p.Options {
		total += o.Votes
	}
	switch {
	case !p.Closed.IsZero():
		b.WriteString("Poll, closed " + p.Closed.UTC().Format(time.DateOnly))
	case !p.EndTime.IsZero():
		b.WriteString("Poll, ended " + p.EndTime.UTC().Format(time.DateOnly))
	default:
		b.WriteString("Poll")
	}
	if p.Multiple {
		b.WriteString(" (several choices)")
	}
	fmt.Fprintf(&b, ", %d votes", total)
	if p.VotersCount > 0 {
		fmt.Fprintf(&b, " by %d people", p.VotersCount)
	}
	b.WriteString(":")
	for _, o := range p.Options {
		fmt.Fprintf(&b, "\n- %s: %d", strings.TrimSpace(o.Name), o.Votes)
		if total > 0 {
			fmt.Fprintf(&b, " (%d%%)", (o.Votes*100+total/2)/total)
		}
	}
	return b.String()
}

func joinParagraphs(a, b string) string {
	if a == "" {
		return b
	}
	return a + "\n\n" + b
}

// shorten cuts text to at most limit runes, ending it with a link to the
// original.
func shorten(text string, limit int, url string) string {
	tail := "… (" + url + ")"
	keep := limit - utf8.RuneCountInString(tail)
	if keep <= 0 {
		return cutRunes(url, max(limit, 0))
	}
	return strings.TrimRightFunc(cutRunes(text, keep), unicode.IsSpace) + tail
}

func cutRunes(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}

// languageCode turns an archive's contentMap key ("en", "zhCn",
// "pt-BR") into the ISO 639 code the API takes ("en", "zh", "pt").
func languageCode(key string) (string, bool) {
	end := len(key)
	for i, r := range key {
		if i > 0 && (unicode.IsUpper(r) || r == '-' || r == '_') {
			end = i
			break
		}
	}
	code := strings.ToLower(key[:end])
	if len(code) < 2 || len(code) > 3 || code == "und" {
		return "", false
	}
	for _, r := range code {
		if r < 'a' || r > 'z' {
			return "", false
		}
	}
	return code, true
}
