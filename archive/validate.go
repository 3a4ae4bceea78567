package archive

import (
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/fediport/fediport/activitypub"
)

// OpenMedia opens the archive entry behind an attachment, found from its
// URL by [MediaPath]. It fails wrapping [io/fs.ErrNotExist] when the
// attachment is a link preview, names no entry, or its file is missing
// (Mastodon leaves out files it could not read).
func (r *Reader) OpenMedia(a *Attachment) (fs.File, error) {
	p := a.Path
	if p == "" && !a.IsLink() {
		p = MediaPath(a.URL)
	}
	if p == "" {
		return nil, &Error{Entry: a.URL, Index: -1, Offset: -1, Err: fmt.Errorf("%w: attachment names no archive entry", fs.ErrNotExist)}
	}
	if !r.Has(p) {
		return nil, &Error{Entry: p, Index: -1, Offset: -1, Err: fs.ErrNotExist}
	}
	return r.Open(p)
}

// MediaFiles returns the names of the media entries (under
// media_attachments/), sorted.
func (r *Reader) MediaFiles() []string {
	var names []string
	for name := range r.files {
		if strings.HasPrefix(name, "media_attachments/") {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

// Report is what [Reader.Validate] found: counts a summary shows, and
// the problems a user should know about. None of them stops reading.
type Report struct {
	Format Format

	Items     int // outbox items read
	Creates   int // Create items: posts
	Announces int // Announce items: boosts
	Replies   int // Creates that reply to a status
	Polls     int // Creates of a Question
	WithMedia int // Creates with at least one media attachment
	// Visibility counts Creates by visibility.
	Visibility map[Visibility]int

	// TotalItems is what outbox.json declares, or nil.
	TotalItems *int
	// DuplicateItemArrays is how many orderedItems arrays the outbox has
	// beyond the first.
	DuplicateItemArrays int

	Likes, Bookmarks               int
	MissingLikes, MissingBookmarks bool
	// Actor is actor.json as [Reader.Actor] reads it; nil when it is
	// missing (then MissingActor is set, unless the archive is a bare
	// outbox) or cannot be read (then its error is in Errors).
	Actor        *activitypub.Actor
	MissingActor bool

	// MediaFiles is the number of files under media_attachments/.
	MediaFiles int
	// MissingMedia lists attachments whose file is not in the archive.
	MissingMedia []MediaRef
	// OrphanMedia lists media files no status refers to (media of deleted
	// or scheduled posts).
	OrphanMedia []string
	// UnknownItems lists items that are neither Create nor Announce.
	UnknownItems []ItemRef
	// Errors lists what could not be read: undecodable items, a truncated
	// collection, a damaged .tar.gz. Reading went on where it could.
	Errors []error

	// Incomplete is the first error that kept part of the archive from
	// being read: the outbox missing, cut short or corrupt (a limit
	// exceeded included), or the file ending early. It is in Errors too.
	// It is nil when everything could be read, undecodable items apart.
	Incomplete error

	// Overflow counts, for each list above, the problems found beyond
	// its first [MaxListed]: a hostile archive can hold millions, so
	// they are counted, not kept.
	Overflow Overflow
}

// MaxListed is how many problems of each kind a [Report] lists; the
// rest are counted in [Report.Overflow].
const MaxListed = 100

// Overflow counts the problems of a [Report] beyond [MaxListed] of each
// kind.
type Overflow struct {
	MissingMedia, OrphanMedia, UnknownItems, Errors int
}

// listed appends v to list unless it holds MaxListed already, counting
// it in *more then.
func listed[T any](list []T, more *int, v T) []T {
	if len(list) >= MaxListed {
		*more++
		return list
	}
	return append(list, v)
}

// MediaRef names an attachment: the status it belongs to and its URL.
type MediaRef struct {
	Status string // status id
	URL    string
	Path   string // the entry it should be, "" when the URL names none
}

// ItemRef names an outbox item by position and type.
type ItemRef struct {
	Index int
	ID    string
	Type  string
}

// Warnings returns one line per problem listed in the report, and one
// per kind of problem counted beyond [MaxListed], for people: at most
// a few hundred lines whatever the archive.
func (rep *Report) Warnings() []string {
	var w []string
	if rep.MissingActor {
		w = append(w, "no actor.json")
	}
	if rep.TotalItems != nil && *rep.TotalItems != rep.Items {
		w = append(w, fmt.Sprintf("outbox declares totalItems %d but holds %d items", *rep.TotalItems, rep.Items))
	}
	if rep.DuplicateItemArrays > 0 {
		w = append(w, fmt.Sprintf("outbox repeats orderedItems %d times", rep.DuplicateItemArrays+1))
	}
	if rep.MissingLikes {
		w = append(w, "no likes.json")
	}
	if rep.MissingBookmarks {
		w = append(w, "no bookmarks.json")
	}
	more := func(n int, what string) {
		if n > 0 {
			w = append(w, fmt.Sprintf("and %d more %s", n, what))
		}
	}
	for _, m := range rep.MissingMedia {
		w = append(w, fmt.Sprintf("missing media %s of %s", m.URL, m.Status))
	}
	more(rep.Overflow.MissingMedia, "missing media")
	for _, o := range rep.OrphanMedia {
		w = append(w, "media file without status: "+o)
	}
	more(rep.Overflow.OrphanMedia, "media files without status")
	for _, u := range rep.UnknownItems {
		w = append(w, fmt.Sprintf("item %d (%s) has unknown type %q", u.Index, u.ID, u.Type))
	}
	more(rep.Overflow.UnknownItems, "items of unknown type")
	for _, err := range rep.Errors {
		w = append(w, err.Error())
	}
	more(rep.Overflow.Errors, "errors")
	return w
}

// reportProgress calls the Progress callback of the reader's [Config].
func (r *Reader) reportProgress(items int) {
	if r.progress != nil {
		r.progress(Progress{Items: int64(items)})
	}
}

// Validate reads the whole archive once and reports what a user should
// know, without failing on it: missing media, media with no status,
// items of unknown type, a totalItems that differs from the items,
// missing likes or bookmarks. Errors that end a stream (a truncated
// outbox) are in [Report.Errors], after what was read before them.
// [Config.Progress] is called as the outbox is read.
func (r *Reader) Validate() *Report {
	rep := &Report{Format: r.format, Visibility: map[Visibility]int{}}
	if r.damage != nil {
		rep.incomplete(r.damage)
	}
	if a, err := r.Actor(); err == nil {
		rep.Actor = a
	} else if errors.Is(err, fs.ErrNotExist) {
		rep.MissingActor = r.format != FormatOutbox
	} else {
		rep.addErr(err)
	}
	referenced := map[string]bool{}
	if r.Has("outbox.json") {
		r.validateOutbox(rep, referenced)
	} else {
		rep.incomplete(r.noOutbox())
	}
	media := r.MediaFiles()
	rep.MediaFiles = len(media)
	for _, m := range media {
		if !referenced[m] {
			rep.OrphanMedia = listed(rep.OrphanMedia, &rep.Overflow.OrphanMedia, m)
		}
	}
	if r.format != FormatOutbox {
		rep.Likes, rep.MissingLikes = r.countURIs(rep, "likes.json")
		rep.Bookmarks, rep.MissingBookmarks = r.countURIs(rep, "bookmarks.json")
	}
	return rep
}

// addErr lists err in rep.Errors.
func (rep *Report) addErr(err error) { rep.Errors = listed(rep.Errors, &rep.Overflow.Errors, err) }

// incomplete lists err, which kept part of the archive from being read,
// and keeps the first such error as rep.Incomplete.
func (rep *Report) incomplete(err error) {
	if rep.Incomplete == nil {
		rep.Incomplete = err
	}
	rep.addErr(err)
}

// validateOutbox reads the outbox into rep, noting in referenced the
// media entries its statuses show that the archive has.
func (r *Reader) validateOutbox(rep *Report, referenced map[string]bool) {
	for s, err := range r.scanStatuses() {
		if err != nil && s == nil {
			rep.incomplete(err)
			break
		}
		rep.Items++
		r.reportProgress(rep.Items)
		if err != nil {
			rep.addErr(err)
			continue
		}
		rep.count(s)
		for _, a := range s.Media() {
			// Only names of files there are kept: the map is no larger
			// than the archive's list of entries.
			if a.Path != "" && r.Has(a.Path) {
				referenced[a.Path] = true
			} else {
				rep.MissingMedia = listed(rep.MissingMedia, &rep.Overflow.MissingMedia, MediaRef{Status: s.ID, URL: a.URL, Path: a.Path})
			}
		}
	}
	r.mu.Lock()
	if o := r.outbox; o != nil {
		rep.DuplicateItemArrays = max(o.arrays-1, 0)
		if o.arrays == 0 {
			rep.incomplete(&Error{Entry: "outbox.json", Index: -1, Offset: -1, Err: fmt.Errorf("%w: no orderedItems", ErrMalformed)})
		}
	}
	r.mu.Unlock()
	if t, err := r.TotalItems(); err == nil {
		rep.TotalItems = t
	}
}

// count counts a status read in the report's totals.
func (rep *Report) count(s *Status) {
	switch s.Activity {
	case "Create":
		rep.Creates++
		rep.Visibility[s.Visibility]++
		if s.IsReply() {
			rep.Replies++
		}
		if s.Poll != nil {
			rep.Polls++
		}
		if len(s.Media()) > 0 {
			rep.WithMedia++
		}
	case "Announce":
		rep.Announces++
	default:
		rep.UnknownItems = listed(rep.UnknownItems, &rep.Overflow.UnknownItems, ItemRef{Index: s.Index, ID: s.ActivityID, Type: s.Activity})
	}
}

func (r *Reader) countURIs(rep *Report, name string) (n int, missing bool) {
	if !r.Has(name) {
		return 0, true
	}
	for _, err := range r.uris(name) {
		if err != nil {
			rep.Errors = listed(rep.Errors, &rep.Overflow.Errors, err)
			break
		}
		n++
	}
	return n, false
}
