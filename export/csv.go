package export

import (
	"io"
	"iter"
	"strings"

	"github.com/fediport/fediport/archive"
	"github.com/fediport/fediport/importer"
)

// csvOutput creates the output of one CSV file; done is called once the
// file is complete.
type csvOutput func(name string) (w io.Writer, done func() error, err error)

// csvTypes are the CSV files an export writes, in the order written.
var csvTypes = [...]importer.Type{importer.Following, importer.Followers, importer.Muting, importer.Blocking, importer.DomainBlocking, importer.Bookmarks, importer.Lists}

// writeCSVs writes a CSV file for each CSV source the job has, in the
// order of csvTypes. Bookmarks also go to the archive's bookmarks.json.
func (j *job) writeCSVs(aw *archive.Writer, out csvOutput) error {
	for _, t := range csvTypes {
		rows, what := j.rows(t, aw)
		if rows == nil {
			continue
		}
		if err := j.ctx.Err(); err != nil {
			return err
		}
		w, done, err := out(importer.FileName(t))
		if err != nil {
			return err
		}
		cw := importer.NewWriter(w, t)
		j.res.Rows[t] = 0
		n := 0
		for row, err := range rows {
			if err != nil {
				return &SourceError{What: what, Index: n, Err: err}
			}
			n++
			if err := cw.Write(row); err != nil {
				return err
			}
			j.res.Rows[t]++
			if err := j.tick(); err != nil {
				return err
			}
		}
		if err := cw.Flush(); err != nil {
			return err
		}
		if err := done(); err != nil {
			return err
		}
	}
	return nil
}

// rows returns the rows of a type's CSV file from its source, or nil when
// that source is nil, and the name of the data for errors.
func (j *job) rows(t importer.Type, aw *archive.Writer) (iter.Seq2[importer.Row, error], string) {
	ctx := j.ctx
	switch t {
	case importer.Following:
		s := j.src.Follows
		if s == nil {
			return nil, ""
		}
		return mapRows(s.Follows(ctx), func(f Follow) []importer.Row {
			show, notify := f.ShowBoosts, f.Notify
			r := importer.Row{Account: j.account(f.Account), ShowBoosts: &show, Notify: &notify}
			if len(f.Languages) > 0 {
				r.Languages = f.Languages
			}
			return []importer.Row{r}
		}), "follows"
	case importer.Followers:
		s := j.src.Followers
		if s == nil {
			return nil, ""
		}
		return mapRows(s.Followers(ctx), func(a string) []importer.Row {
			return []importer.Row{{Account: j.account(a)}}
		}), "followers"
	case importer.Muting:
		s := j.src.Mutes
		if s == nil {
			return nil, ""
		}
		return mapRows(s.Mutes(ctx), func(m Mute) []importer.Row {
			hide := m.HideNotifications
			return []importer.Row{{Account: j.account(m.Account), HideNotifications: &hide}}
		}), "mutes"
	case importer.Blocking:
		s := j.src.Blocks
		if s == nil {
			return nil, ""
		}
		return mapRows(s.Blocks(ctx), func(a string) []importer.Row {
			return []importer.Row{{Account: j.account(a)}}
		}), "blocks"
	case importer.DomainBlocking:
		s := j.src.DomainBlocks
		if s == nil {
			return nil, ""
		}
		return mapRows(s.DomainBlocks(ctx), func(d string) []importer.Row {
			return []importer.Row{{Domain: domain(d)}}
		}), "domain blocks"
	case importer.Bookmarks:
		s := j.src.Bookmarks
		if s == nil {
			return nil, ""
		}
		return mapRows(s.Bookmarks(ctx), func(uri string) []importer.Row {
			aw.AddBookmark(uri)
			j.res.Bookmarks++
			return []importer.Row{{URI: uri}}
		}), "bookmarks"
	case importer.Lists:
		s := j.src.Lists
		if s == nil {
			return nil, ""
		}
		return mapRows(s.Lists(ctx), func(l importer.List) []importer.Row {
			rows := make([]importer.Row, len(l.Members))
			for i, m := range l.Members {
				rows[i] = importer.Row{List: l.Title, Account: j.account(m)}
			}
			return rows
		}), "lists"
	}
	return nil, ""
}

// mapRows turns a source's items into CSV rows (a list gives several).
func mapRows[T any](seq iter.Seq2[T, error], f func(T) []importer.Row) iter.Seq2[importer.Row, error] {
	return func(yield func(importer.Row, error) bool) {
		if seq == nil {
			return
		}
		for v, err := range seq {
			if err != nil {
				yield(importer.Row{}, err)
				return
			}
			for _, r := range f(v) {
				if !yield(r, nil) {
					return
				}
			}
		}
	}
}

// account writes an address as Mastodon exports it: user@domain, with
// local accounts completed with the local domain.
func (j *job) account(a string) string {
	a = strings.TrimPrefix(strings.TrimSpace(a), "@")
	if a != "" && !strings.Contains(a, "@") && j.opts.LocalDomain != "" {
		a += "@" + j.opts.LocalDomain
	}
	return a
}

// domain writes a domain as Mastodon stores it: lower-case, punycode.
func domain(d string) string {
	if k := importer.DomainKey(d); k != "" {
		return k
	}
	return strings.ToLower(strings.TrimSpace(d))
}
