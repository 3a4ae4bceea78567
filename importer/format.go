package importer

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// types lists every import type; [Types] returns a copy.
var types = [...]Type{Following, Muting, Blocking, DomainBlocking, Bookmarks, Lists, Followers}

// Types returns every import type, in the order Mastodon's settings page
// shows them, with [Followers] last. The slice is the caller's.
func Types() []Type { return slices.Clone(types[:]) }

// ParseType returns the [Type] named s ("following", "domain_blocking",
// ...). It also accepts the names of the files Mastodon writes, without
// ".csv" ("following_accounts", "blocked_domains", ...).
func ParseType(s string) (Type, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, t := range types {
		if s == string(t) || s == strings.TrimSuffix(FileName(t), ".csv") {
			return t, nil
		}
	}
	switch s {
	case "follows":
		return Following, nil
	case "mutes":
		return Muting, nil
	case "blocks":
		return Blocking, nil
	case "domain_blocks":
		return DomainBlocking, nil
	}
	return "", ErrUnknownType
}

// valid reports whether t is one of the package's types.
func (t Type) valid() bool {
	switch t {
	case Following, Followers, Muting, Blocking, DomainBlocking, Bookmarks, Lists:
		return true
	}
	return false
}

// FileName returns the name of the file Mastodon serves for t, such as
// "following_accounts.csv" or "blocked_domains.csv"; "followers.csv" (as
// GoToSocial names it) for [Followers]; "" for an unknown type.
func FileName(t Type) string {
	switch t {
	case Following:
		return "following_accounts.csv"
	case Followers:
		return "followers.csv"
	case Muting:
		return "muted_accounts.csv"
	case Blocking:
		return "blocked_accounts.csv"
	case DomainBlocking:
		return "blocked_domains.csv"
	case Bookmarks:
		return "bookmarks.csv"
	case Lists:
		return "lists.csv"
	}
	return ""
}

// column is what a CSV column holds.
type column uint8

const (
	colDrop column = iota
	colAccount
	colShowBoosts
	colNotify
	colLanguages
	colHide
	colDomain
	colURI
	colList
)

// Header names, as Mastodon writes and reads them.
const (
	hAccount    = "Account address"
	hShowBoosts = "Show boosts"
	hNotify     = "Notify on new posts"
	hLanguages  = "Languages"
	hHide       = "Hide notifications"
	hDomain     = "#domain"
	hURI        = "#uri"
	hList       = "List name"
)

var headerColumn = map[string]column{
	hAccount:    colAccount,
	hShowBoosts: colShowBoosts,
	hNotify:     colNotify,
	hLanguages:  colLanguages,
	hHide:       colHide,
	hDomain:     colDomain,
	hURI:        colURI,
	hList:       colList,
}

// isFirstHeader reports whether a first cell makes its line a header
// (Mastodon's KNOWN_FIRST_HEADERS).
func isFirstHeader(cell string) bool {
	return cell == hAccount || cell == hDomain || cell == hURI || cell == hList
}

// expectedColumns are the columns a type reads from a file with a header;
// the others are dropped. It is also the header a Writer writes, for the
// types Mastodon writes one for.
func expectedColumns(t Type) []string {
	switch t {
	case Following:
		return []string{hAccount, hShowBoosts, hNotify, hLanguages}
	case Muting:
		return []string{hAccount, hHide}
	case Blocking, Followers:
		return []string{hAccount}
	case DomainBlocking:
		return []string{hDomain}
	case Bookmarks:
		return []string{hURI}
	case Lists:
		return []string{hList, hAccount}
	}
	return nil
}

// requiredColumns are the columns a header must name for a type, and
// the columns of a file without a header (Mastodon's
// default_csv_headers, used for both).
func requiredColumns(t Type) []string {
	switch t {
	case Following, Muting, Blocking, Followers:
		return []string{hAccount}
	case DomainBlocking:
		return []string{hDomain}
	case Bookmarks:
		return []string{hURI}
	case Lists:
		return []string{hList, hAccount}
	}
	return nil
}

// writesHeader reports whether Mastodon writes a header line for t.
func writesHeader(t Type) bool {
	return t == Following || t == Muting || t == Followers
}

// parseBool reads a boolean cell as Mastodon does
// (ActiveModel::Type::Boolean after downcasing): empty is nil; "0", "f",
// "false" and "off" are false; anything else is true. Unlike Mastodon,
// surrounding spaces are ignored.
func parseBool(cell string) (v, ok bool) {
	s := strings.TrimSpace(cell)
	switch len(s) {
	case 0:
		return false, false
	case 1:
		return !(s == "0" || s == "f" || s == "F"), true
	}
	return !(strings.EqualFold(s, "false") || strings.EqualFold(s, "off")), true
}

// idnaProfile maps and checks internationalised domain names. STD3 rules
// are off so that underscores, which real host names carry, pass; the
// ASCII result is checked by validASCIIHost.
var idnaProfile = idna.New(idna.MapForLookup(), idna.BidiRule(), idna.StrictDomainName(false), idna.Transitional(false))

// splitPort splits "host:port" when port is a valid port number.
func splitPort(hostport string) (host, port string) {
	i := strings.LastIndexByte(hostport, ':')
	if i < 0 {
		return hostport, ""
	}
	p := hostport[i+1:]
	if p == "" || len(p) > 5 {
		return hostport, ""
	}
	n := 0
	for j := 0; j < len(p); j++ {
		if p[j] < '0' || p[j] > '9' {
			return hostport, ""
		}
		n = n*10 + int(p[j]-'0')
	}
	if n == 0 || n > 65535 {
		return hostport, ""
	}
	return hostport[:i], p
}

// validASCIIHost reports whether h is a host name of dot-separated
// labels of letters, digits, hyphens and underscores.
func validASCIIHost(h string) bool {
	if h == "" || len(h) > 253 {
		return false
	}
	n := 0
	for i := 0; i < len(h); i++ {
		c := h[i]
		switch {
		case c == '.':
			if n == 0 {
				return false
			}
			n = 0
			continue
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_':
		default:
			return false
		}
		n++
		if n > 63 {
			return false
		}
	}
	return n > 0
}

// isASCII reports whether s is all ASCII.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// hostKey returns the form of a host[:port] used for comparison:
// lower-case, punycode for IDN labels. ok is false when h is not a host
// name.
func hostKey(hostport string) (key string, ok bool) {
	host, port := splitPort(hostport)
	if !isASCII(host) {
		a, err := idnaProfile.ToASCII(host)
		if err != nil || !validASCIIHost(a) {
			return strings.ToLower(hostport), false
		}
		host = a
	} else if !validASCIIHost(host) {
		return strings.ToLower(hostport), false
	} else {
		host = lowerASCII(host)
	}
	if port != "" {
		return host + ":" + port, true
	}
	return host, true
}

// lowerASCII lower-cases an ASCII string, without allocating when it is
// already lower-case.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

// validUser reports whether u can be the user part of an address.
func validUser(u string) bool {
	if u == "" {
		return false
	}
	for _, r := range u {
		switch {
		case r < 0x21 || r == 0x7f:
			return false
		case r < utf8.RuneSelf:
			if strings.IndexByte(`@,"/\?#:;<>[]{}|'`, byte(r)) >= 0 {
				return false
			}
		case unicode.IsSpace(r) || r == utf8.RuneError || !unicode.IsPrint(r):
			return false
		}
	}
	return true
}

// AccountKey returns the form of an account address that the plan
// compares, following Mastodon's matching rules and kinder: a leading
// "@" and surrounding spaces are dropped, the "@localDomain" suffix is
// removed (so local accounts compare equal whether written "bob" or
// "bob@local.example"), the domain is lower-cased and IDN labels are
// converted to punycode, and the user name is lower-cased (Mastodon keeps
// user names unique regardless of case; its overwrite import compares
// them exactly and would unfollow, then re-follow, an account written in
// other case).
func AccountKey(addr, localDomain string) string {
	return newKeyer(localDomain).account(addr)
}

// keyer computes comparison keys against one local domain.
type keyer struct{ local string }

func newKeyer(localDomain string) keyer {
	if localDomain == "" {
		return keyer{}
	}
	l, _ := hostKey(strings.TrimSpace(localDomain))
	return keyer{local: l}
}

// account is [AccountKey] with the local domain's key computed once.
func (k keyer) account(addr string) string {
	a := strings.TrimPrefix(strings.TrimSpace(addr), "@")
	user, host, found := strings.Cut(a, "@")
	user = lowerASCII(user)
	if !isASCII(user) {
		user = strings.ToLower(user)
	}
	if !found {
		return user
	}
	h, _ := hostKey(host)
	if k.local != "" && h == k.local {
		return user
	}
	if len(user)+1+len(h) == len(a) && a[:len(user)] == user && a[len(user)+1:] == h {
		return a // already in key form: no copy
	}
	return user + "@" + h
}

// DomainKey returns the form of a domain that the plan compares:
// trimmed, lower-case, punycode.
func DomainKey(domain string) string {
	h, _ := hostKey(strings.TrimSuffix(strings.TrimSpace(domain), "."))
	return h
}
