package activitypub

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
)

// MaxSignatureHeaderBytes is the longest Signature header
// [ParseSignatureHeader] accepts: 8 KiB, several times what a 4096-bit RSA
// signature with a long key id needs.
const MaxSignatureHeaderBytes = 8 << 10

// maxCoveredHeaders caps the "headers" list of a signature.
const maxCoveredHeaders = 64

// Signature algorithms of draft-cavage HTTP signatures fediport knows.
const (
	// AlgorithmRSASHA256 is "rsa-sha256": RSASSA-PKCS1-v1_5 over SHA-256,
	// what Mastodon writes.
	AlgorithmRSASHA256 = "rsa-sha256"
	// AlgorithmHS2019 is "hs2019": the algorithm is implied by the key
	// (RSA keys verify as rsa-sha256, Ed25519 keys as Ed25519). It is what
	// go-fed/httpsig and GoToSocial write, and what an absent algorithm
	// parameter means.
	AlgorithmHS2019 = "hs2019"
)

// SignatureParams is a parsed draft-cavage Signature header:
//
//	keyId="https://example.com/users/alice#main-key",algorithm="rsa-sha256",headers="(request-target) host date digest content-type",signature="..."
//
// [ParseSignatureHeader] decodes one; [SignatureParams.String] encodes it
// in the canonical form above (no spaces, parameters in that order).
type SignatureParams struct {
	KeyID string
	// Algorithm is the algorithm parameter as sent, lower-cased; "" when
	// absent, which [SignatureParams.EffectiveAlgorithm] reads as hs2019.
	Algorithm string
	// Headers is the covered headers list, lower-cased, in the order
	// given; nil when the parameter is absent (see
	// [SignatureParams.CoveredHeaders]).
	Headers []string
	// Signature is the decoded signature value.
	Signature []byte
	// Created and Expires are the (created) and (expires) parameters in
	// Unix seconds; 0 when absent.
	Created, Expires int64
}

// EffectiveAlgorithm returns the algorithm, hs2019 when absent.
func (p *SignatureParams) EffectiveAlgorithm() string {
	if p.Algorithm == "" {
		return AlgorithmHS2019
	}
	return p.Algorithm
}

// CoveredHeaders returns the headers the signature covers. When the
// headers parameter is absent it is, as in Mastodon, "(created)" for
// hs2019 and "date" otherwise.
func (p *SignatureParams) CoveredHeaders() []string {
	if p.Headers != nil {
		return p.Headers
	}
	if p.EffectiveAlgorithm() == AlgorithmHS2019 {
		return []string{"(created)"}
	}
	return []string{"date"}
}

// String encodes p as a Signature header value in canonical form:
// keyId, algorithm, created, expires, headers, signature, comma-separated
// without spaces, absent parameters left out. Parsing the result gives p
// back.
func (p *SignatureParams) String() string {
	var b strings.Builder
	b.WriteString(`keyId=`)
	b.WriteString(quoteParam(p.KeyID))
	if p.Algorithm != "" {
		b.WriteString(`,algorithm=`)
		b.WriteString(quoteParam(p.Algorithm))
	}
	if p.Created != 0 {
		b.WriteString(",created=")
		b.WriteString(strconv.FormatInt(p.Created, 10))
	}
	if p.Expires != 0 {
		b.WriteString(",expires=")
		b.WriteString(strconv.FormatInt(p.Expires, 10))
	}
	if p.Headers != nil {
		b.WriteString(`,headers=`)
		b.WriteString(quoteParam(strings.Join(p.Headers, " ")))
	}
	b.WriteString(`,signature="`)
	b.WriteString(base64.StdEncoding.EncodeToString(p.Signature))
	b.WriteString(`"`)
	return b.String()
}

// ParseSignatureHeader decodes a draft-cavage Signature header value.
//
// Unlike go-fed/httpsig's parser it follows the HTTP list grammar:
// optional whitespace around commas and equals signs, quoted strings with
// backslash escapes (so a key id may hold a comma), parameter names in any
// case and order, empty list elements. Unknown parameters are ignored. It
// fails with a *[SignatureError] of reason [SignatureMalformed] when the
// value is longer than [MaxSignatureHeaderBytes], a parameter repeats, keyId
// or signature is missing or empty, the signature is not base64, created or
// expires is not a positive integer, or headers is empty or lists more
// than 64 names.
//
// [Verifier.Verify] calls it; it is exported for hosts that need a
// request's key id or covered headers before, or without, verifying it
// (to refuse a blocked domain before fetching its key, or to log what a
// peer signs), and for tools that explain a signature.
func ParseSignatureHeader(value string) (*SignatureParams, error) {
	p, err := parseSignatureHeader(value)
	if err != nil {
		return nil, &SignatureError{Scheme: SchemeCavage, KeyID: p.KeyID, Detail: err.Error(), Reason: SignatureMalformed}
	}
	return p, nil
}

func parseSignatureHeader(s string) (*SignatureParams, error) {
	p := new(SignatureParams)
	if len(s) > MaxSignatureHeaderBytes {
		return p, fmt.Errorf("header longer than %d bytes", MaxSignatureHeaderBytes)
	}
	seen := make(map[string]bool, 6)
	var sig string
	haveSig := false
	for i := 0; ; {
		name, value, next, err := nextParam(s, i)
		if err != nil {
			return p, err
		}
		if next < 0 {
			break
		}
		i = next
		switch name {
		case "keyid", "algorithm", "headers", "signature", "created", "expires":
			if seen[name] {
				return p, fmt.Errorf("parameter %q repeated", name)
			}
			seen[name] = true
		default:
			continue // unknown parameters are ignored, as the draft says
		}
		if name == "signature" {
			sig, haveSig = value, true
			continue
		}
		if err := p.set(name, value); err != nil {
			return p, err
		}
	}
	if p.KeyID == "" {
		return p, fmt.Errorf("no keyId parameter")
	}
	if !haveSig || sig == "" {
		return p, fmt.Errorf("no signature parameter")
	}
	b, err := base64.StdEncoding.DecodeString(sig)
	if err != nil {
		// Some senders leave out the padding.
		b, err = base64.RawStdEncoding.DecodeString(sig)
		if err != nil {
			return p, fmt.Errorf("signature is not base64")
		}
	}
	p.Signature = b
	return p, nil
}

// nextParam reads the parameter at or after s[i], skipping empty list
// elements, and returns its lower-cased name, its value (unquoted) and the
// offset after it; next is -1 at the end of s.
func nextParam(s string, i int) (name, value string, next int, err error) {
	for {
		i = skipOWS(s, i)
		if i == len(s) {
			return "", "", -1, nil
		}
		if s[i] != ',' {
			break
		}
		i++
	}
	start := i
	for i < len(s) && isTokenChar(s[i]) {
		i++
	}
	if i == start {
		return "", "", 0, fmt.Errorf("unexpected %q at offset %d", s[i], i)
	}
	name = strings.ToLower(s[start:i])
	i = skipOWS(s, i)
	if i == len(s) || s[i] != '=' {
		return "", "", 0, fmt.Errorf("parameter %q has no value", name)
	}
	i = skipOWS(s, i+1)
	if i < len(s) && s[i] == '"' {
		if value, i, err = readQuoted(s, i); err != nil {
			return "", "", 0, fmt.Errorf("parameter %q: %w", name, err)
		}
	} else {
		start := i
		for i < len(s) && isTokenChar(s[i]) {
			i++
		}
		if i == start {
			return "", "", 0, fmt.Errorf("parameter %q has an empty value", name)
		}
		value = s[start:i]
	}
	i = skipOWS(s, i)
	if i < len(s) && s[i] != ',' {
		return "", "", 0, fmt.Errorf("unexpected %q after parameter %q", s[i], name)
	}
	return name, value, i, nil
}

// set sets the known parameter name (but signature) from value.
func (p *SignatureParams) set(name, value string) error {
	switch name {
	case "keyid":
		p.KeyID = value
	case "algorithm":
		p.Algorithm = strings.ToLower(value)
	case "headers":
		h := strings.Fields(strings.ToLower(value))
		if len(h) == 0 {
			return fmt.Errorf("empty headers parameter")
		}
		if len(h) > maxCoveredHeaders {
			return fmt.Errorf("headers parameter lists more than %d names", maxCoveredHeaders)
		}
		p.Headers = h
	case "created", "expires":
		n, err := strconv.ParseInt(value, 10, 64)
		if err != nil || n <= 0 || value[0] == '+' {
			return fmt.Errorf("parameter %q is not a positive integer", name)
		}
		if name == "created" {
			p.Created = n
		} else {
			p.Expires = n
		}
	}
	return nil
}

func skipOWS(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}

// readQuoted reads the quoted-string starting at s[i] == '"' and returns
// its unescaped value and the offset after the closing quote.
func readQuoted(s string, i int) (string, int, error) {
	var b strings.Builder
	for j := i + 1; j < len(s); j++ {
		c := s[j]
		switch {
		case c == '"':
			return b.String(), j + 1, nil
		case c == '\\':
			j++
			if j == len(s) {
				return "", 0, fmt.Errorf("unterminated quoted string")
			}
			if !isQuotedChar(s[j]) {
				return "", 0, fmt.Errorf("invalid escaped byte %#x", s[j])
			}
			b.WriteByte(s[j])
		case isQuotedChar(c):
			b.WriteByte(c)
		default:
			return "", 0, fmt.Errorf("invalid byte %#x in quoted string", c)
		}
	}
	return "", 0, fmt.Errorf("unterminated quoted string")
}

// quoteParam writes v as a quoted-string, escaping quotes and backslashes.
// Bytes a quoted-string cannot hold are replaced by '?', so the result
// always parses; key ids and algorithm names never hold them.
func quoteParam(v string) string {
	var b strings.Builder
	b.Grow(len(v) + 2)
	b.WriteByte('"')
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case isQuotedChar(c):
			b.WriteByte(c)
		default:
			b.WriteByte('?')
		}
	}
	b.WriteByte('"')
	return b.String()
}

// isQuotedChar reports whether c may appear in a quoted-string (RFC 9110
// qdtext and quoted-pair): HTAB, SP, visible ASCII and obs-text.
func isQuotedChar(c byte) bool {
	return c == '\t' || c == ' ' || (c >= 0x21 && c != 0x7f)
}

// isTokenChar reports whether c is an RFC 9110 tchar.
func isTokenChar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}
