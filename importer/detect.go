package importer

import (
	"errors"
	"io"
	"strings"
)

// DetectType guesses the type of an import file from its first bytes
// (head: at least its first line; the whole file will do) and its file
// name. It returns "" when it cannot tell, and otherwise the type and
// what the guess rests on, for showing to the user.
//
// It goes by, in order: the header (a "Hide notifications" column means
// muting; "Show boosts", "Notify on new posts" or "Languages" mean
// following; "#domain" domain blocks; "#uri" bookmarks; "List name"
// lists); then the file name, as Mastodon does (a base name starting with
// "mutes" or "muted_accounts", "follows" or "following_accounts" (or
// "following", GoToSocial's export), "blocks" or "blocked_accounts",
// "domain_blocks" or "blocked_domains",
// "bookmarks", "lists"; and "followers"); then, for a file without a
// header, what its first line holds (a status URI means bookmarks, a list
// title and an address lists, a bare domain domain blocks). A list of
// addresses with no header and no telling name could be follows, blocks
// or mutes: DetectType says "".
func DetectType(head []byte, fileName string) (t Type, reason string) {
	fields := firstRecord(head)
	if len(fields) > 0 && isFirstHeader(fields[0]) {
		for _, f := range fields {
			switch f {
			case hHide:
				return Muting, `the header has "` + hHide + `"`
			case hShowBoosts, hNotify, hLanguages:
				return Following, `the header has "` + f + `"`
			}
		}
		switch fields[0] {
		case hDomain:
			return DomainBlocking, `the header starts with "` + hDomain + `"`
		case hURI:
			return Bookmarks, `the header starts with "` + hURI + `"`
		case hList:
			if len(fields) < 2 || fields[1] == hAccount {
				return Lists, `the header starts with "` + hList + `"`
			}
		}
	}
	if t := typeFromName(fileName); t != "" {
		return t, `the file name is "` + baseName(fileName) + `"`
	}
	if len(fields) == 0 || isFirstHeader(fields[0]) {
		return "", ""
	}
	probe := Reader{}
	if _, err := statusURI(fields[0]); err == nil && strings.Contains(fields[0], ":") {
		return Bookmarks, "the first line is a status URI"
	}
	if len(fields) >= 2 && strings.TrimSpace(fields[1]) != "" {
		_, errList := listTitle(fields[0])
		_, errAcct := probe.account(fields[1])
		if errList == nil && errAcct == nil && strings.Contains(fields[1], "@") && !strings.Contains(fields[0], "@") {
			return Lists, "the first line is a list title and an account address"
		}
	}
	if f := strings.TrimSpace(fields[0]); !strings.Contains(f, "@") && strings.Contains(f, ".") {
		if _, err := domain(f); err == nil {
			return DomainBlocking, "the first line is a domain"
		}
	}
	return "", ""
}

// CheckType compares the type a user chose for a file with the one the
// file looks like ([DetectType]). It returns nil when they agree or when
// there is no guess, and a [*MismatchError] otherwise: a warning to show
// before importing (users have imported follows as blocks). Mastodon
// raises the same warning.
func CheckType(chosen Type, head []byte, fileName string) error {
	guessed, reason := DetectType(head, fileName)
	if guessed == "" || guessed == chosen {
		return nil
	}
	return &MismatchError{Chosen: chosen, Guessed: guessed, Detail: reason}
}

// firstRecord returns the trimmed cells of the first non-blank record of
// head, without a byte order mark. A record cut off by the end of head
// is split as far as it goes.
func firstRecord(head []byte) []string {
	s := strings.TrimPrefix(string(head), "\uFEFF")
	p := parser{s: s, line: 1, lf: -1, cr: -1}
	for {
		if _, err := p.record(); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			// A quote that does not end within head: use the plain line.
			line, _, _ := strings.Cut(s[p.pos:], "\n")
			p.fields = strings.Split(strings.TrimSuffix(line, "\r"), ",")
			if blank(p.fields) {
				return nil
			}
		}
		if !blank(p.fields) {
			out := make([]string, len(p.fields))
			for i, f := range p.fields {
				out[i] = strings.TrimSpace(f)
			}
			return out
		}
	}
}

// baseName returns the last element of a slash- or backslash-separated
// path.
func baseName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		return name[i+1:]
	}
	return name
}

// typeFromName guesses a type from a file name, as Mastodon does (by
// prefix, here regardless of case).
func typeFromName(name string) Type {
	n := strings.ToLower(baseName(name))
	if n == "" {
		return ""
	}
	for _, g := range [...]struct {
		prefix string
		t      Type
	}{
		{"mutes", Muting}, {"muted_accounts", Muting},
		{"follows", Following}, {"following", Following}, // following_accounts too
		{"blocks", Blocking}, {"blocked_accounts", Blocking},
		{"domain_blocks", DomainBlocking}, {"blocked_domains", DomainBlocking},
		{"bookmarks", Bookmarks},
		{"lists", Lists},
		{"followers", Followers},
	} {
		if strings.HasPrefix(n, g.prefix) {
			return g.t
		}
	}
	return ""
}
