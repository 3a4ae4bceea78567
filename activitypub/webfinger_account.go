package activitypub

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"golang.org/x/net/idna"
)

// maxAccountLength caps the account addresses [ParseAccount] reads.
const maxAccountLength = 512

// Account is a fediverse account address: the user part and the host of
// user@host, as WebFinger's acct: URIs name them.
type Account struct {
	User string
	// Host is the domain in ASCII (punycode) form, lower-cased, with a
	// port when the address has one ("localhost:8080").
	Host string
}

// String returns "user@host".
func (a Account) String() string { return a.User + "@" + a.Host }

// URI returns the acct: URI: "acct:user@host".
func (a Account) URI() string { return "acct:" + a.String() }

// ParseAccount parses an account address in any of the forms people and
// servers write: "user@host", "@user@host" or "acct:user@host", with
// surrounding spaces ignored. An internationalised domain is converted to
// punycode ("münchen.example" becomes "xn--mnchen-3ya.example") and a
// port kept ("user@localhost:8080"). The user part is kept as written;
// it may not hold spaces, control characters or any of @ / ? # : %.
// Errors are *[AccountError]s.
func ParseAccount(s string) (Account, error) {
	fail := func(reason string) (Account, error) {
		return Account{}, &AccountError{Input: s, Detail: reason}
	}
	if len(s) > maxAccountLength {
		return fail(fmt.Sprintf("longer than %d bytes", maxAccountLength))
	}
	rest := strings.TrimSpace(s)
	if len(rest) >= 5 && strings.EqualFold(rest[:5], "acct:") {
		rest = rest[5:]
	} else {
		rest = strings.TrimPrefix(rest, "@")
	}
	user, host, ok := strings.Cut(rest, "@")
	if !ok {
		return fail("no @host")
	}
	if user == "" {
		return fail("empty user")
	}
	if i := strings.IndexFunc(user, func(r rune) bool {
		return r <= ' ' || r == 0x7f || strings.ContainsRune("@/?#:%\"\\<>", r) || r == 0xfffd
	}); i >= 0 {
		return fail("invalid character in user")
	}
	h, err := asciiHost(host)
	if err != nil {
		return fail(err.Error())
	}
	return Account{User: user, Host: h}, nil
}

// asciiHost validates a host with an optional port and returns it in
// ASCII, lower-case form. IP literals are kept (IPv6 in brackets).
func asciiHost(hostport string) (string, error) {
	if hostport == "" {
		return "", errors.New("empty host")
	}
	host, port := hostport, ""
	if i := strings.LastIndexByte(hostport, ':'); i >= 0 && !strings.HasSuffix(hostport, "]") {
		h, p, err := net.SplitHostPort(hostport)
		if err != nil {
			return "", fmt.Errorf("invalid host %q", hostport)
		}
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 || p[0] == '0' || p[0] == '+' {
			return "", fmt.Errorf("invalid port %q", p)
		}
		host, port = h, p
	}
	if strings.HasPrefix(host, "[") && strings.HasSuffix(host, "]") {
		host = host[1 : len(host)-1]
	}
	if a, err := netip.ParseAddr(host); err == nil {
		if a.Zone() != "" {
			return "", errors.New("IPv6 zone in host")
		}
		host = a.String()
		if a.Is6() {
			host = "[" + host + "]"
		}
	} else {
		ascii, err := toASCII(host)
		if err != nil {
			return "", err
		}
		host = ascii
	}
	if port != "" {
		host += ":" + port
	}
	return host, nil
}

// toASCII converts a domain name to lower-case ASCII, through IDNA (UTS
// #46, lookup profile) when it is not ASCII already.
func toASCII(host string) (string, error) {
	host = strings.TrimSuffix(host, ".")
	if host == "" {
		return "", errors.New("empty host")
	}
	ascii := true
	for i := 0; i < len(host); i++ {
		if host[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if !ascii {
		h, err := idna.Lookup.ToASCII(host)
		if err != nil {
			return "", fmt.Errorf("invalid domain %q", host)
		}
		host = h
	}
	host = strings.ToLower(host)
	for _, label := range strings.Split(host, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return "", fmt.Errorf("invalid domain %q", host)
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return "", fmt.Errorf("invalid domain %q", host)
			}
		}
	}
	if len(host) > 253 {
		return "", fmt.Errorf("domain longer than 253 bytes")
	}
	return host, nil
}
