// Command sigcheck explains the HTTP signature of a captured request: it
// runs fediport's verifier and prints each check with its result.
//
//	go run ./examples/sigcheck [-json] [-key FILE] [-allow-private] [-at TIME] REQUEST
//
// REQUEST is a file holding a raw HTTP/1.1 request as captured (request
// line, headers, blank line, body), or - for standard input. The key is
// fetched from the signature's keyId, or read from FILE, a PEM public key.
// With -key the key's owner is not known, so it is not checked.
// -at evaluates the time window at TIME (RFC 3339) instead of now.
// -allow-private permits loopback and private addresses and plain http
// when fetching the key, for local testing.
//
// The checks, in the order the verifier makes them: scheme (draft-cavage
// or RFC 9421, and the algorithm), coverage (the covered components),
// time (the signature's window), digest (the body against Digest or
// Content-Digest), key (its owner and host, and the posted activity's
// actor against the owner) and signature. With -json it prints one
// object: verified, scheme, keyId and checks, a list of {name, ok,
// reason}. It exits 0 when the signature verifies, 3 when it does not, 1
// when the request cannot be read or the key cannot be had, and 2 for bad
// usage.
package main

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/examples/cli"
)

//go:embed main.go
var source string

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

type check struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Reason string `json:"reason"`
}

type output struct {
	Verified bool    `json:"verified"`
	Scheme   string  `json:"scheme"`
	KeyID    string  `json:"keyId"`
	Checks   []check `json:"checks"`
}

// checkNames are the checks in the verifier's order.
var checkNames = []string{"scheme", "coverage", "time", "digest", "key", "signature"}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c := cli.New("sigcheck", source, stdout, stderr)
	c.Exits = []string{"3  the signature does not verify: the failing check is printed"}
	fs := c.Flags
	asJSON := fs.Bool("json", false, "print one JSON object")
	keyFile := fs.String("key", "", "PEM public key `file` to verify with, instead of fetching the keyId")
	allowPrivate := fs.Bool("allow-private", false, "allow loopback and private addresses and plain http (local testing)")
	at := fs.String("at", "", "evaluate the time window at this RFC 3339 `TIME` instead of now")
	timeout := fs.Duration("timeout", 30*time.Second, "give up fetching the key after this long")
	files, err := c.Parse(args)
	now := time.Now()
	switch {
	case err != nil:
	case len(files) != 1:
		err = cli.Usagef("expected one REQUEST file (or - for standard input), got %d", len(files))
	case *at != "":
		t, terr := time.Parse(time.RFC3339, *at)
		if terr != nil {
			err = cli.Usagef("-at %q is not an RFC 3339 time, such as 2024-05-01T12:00:00Z", *at)
		}
		now = t
	}
	if err != nil {
		return c.Exit(err)
	}
	req, err := readRequest(files[0], stdin)
	if err != nil {
		return c.Exit(err)
	}
	var keys activitypub.KeyResolver = &activitypub.Client{AllowPrivate: *allowPrivate, AllowHTTP: *allowPrivate}
	if *keyFile != "" {
		pemText, err := os.ReadFile(*keyFile)
		if err != nil {
			return c.Exit(err)
		}
		if _, err := activitypub.ParsePublicKeyPEM(string(pemText)); err != nil {
			return c.Exit(fmt.Errorf("%s: %w", *keyFile, err))
		}
		// The file says nothing of the key's owner: the keyId's own
		// actor is assumed.
		keys = activitypub.KeyResolverFunc(func(_ context.Context, keyID string, _ bool) (*activitypub.PublicKey, error) {
			owner, _, _ := strings.Cut(keyID, "#")
			return &activitypub.PublicKey{ID: keyID, Owner: owner, PublicKeyPem: string(pemText)}, nil
		})
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	v := &activitypub.Verifier{Keys: keys, Now: func() time.Time { return now }}
	verified, verr := v.Verify(ctx, req)
	out := explain(req, verified, verr, now, *keyFile)
	print(stdout, out, *asJSON)
	if errors.Is(verr, activitypub.ErrKeyUnavailable) {
		return c.Exit(fmt.Errorf("the key cannot be had: %w", verr))
	}
	if out.Verified {
		return 0
	}
	return 3
}

func readRequest(name string, stdin io.Reader) (*http.Request, error) {
	var raw []byte
	var err error
	if name == "-" {
		raw, err = io.ReadAll(io.LimitReader(stdin, activitypub.DefaultMaxBytes+64<<10))
	} else {
		raw, err = os.ReadFile(name)
	}
	if err != nil {
		return nil, err
	}
	req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		return nil, fmt.Errorf("reading the request: %w", err)
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, fmt.Errorf("reading the request body: %w", err)
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	return req, nil
}

// explain turns the verifier's answer into the list of checks: those
// before the failing one passed, those after it were not reached.
func explain(req *http.Request, v *activitypub.Verified, verr error, now time.Time, keyFile string) output {
	var out output
	if v != nil {
		out.Scheme, out.KeyID = schemeName(v.Scheme), v.KeyID
		out.Checks = []check{
			{"scheme", true, fmt.Sprintf("%s%s, algorithm %s", schemeName(v.Scheme), labelText(v.Label), v.Algorithm)},
			{"coverage", true, "covers " + strings.Join(v.Headers, " ")},
			{"time", true, "within the window at " + now.UTC().Format(time.RFC3339)},
			{"digest", true, digestText(req, v)},
			keyCheck(v, keyFile),
			{"signature", true, "verifies with the key"},
		}
		out.Verified = out.Checks[4].OK
		return out
	}
	var se *activitypub.SignatureError
	if !errors.As(verr, &se) {
		return output{Checks: []check{{"scheme", false, verr.Error()}}}
	}
	out.Scheme, out.KeyID = schemeName(se.Scheme), se.KeyID
	failed := failedCheck(se)
	reached := true
	for _, name := range checkNames {
		switch {
		case name == failed:
			out.Checks = append(out.Checks, check{name, false, se.Error()})
			reached = false
		case reached:
			reason := "passed"
			if name == "coverage" {
				reason = "covers " + strings.Join(se.Covered, " ")
			}
			out.Checks = append(out.Checks, check{name, true, reason})
		default:
			out.Checks = append(out.Checks, check{name, false, "not checked: an earlier check failed"})
		}
	}
	return out
}

// failedCheck maps the verifier's reason to the check that failed.
func failedCheck(se *activitypub.SignatureError) string {
	switch se.Reason {
	case activitypub.SignatureCoverage:
		return "coverage"
	case activitypub.SignatureDate, activitypub.SignatureStale:
		return "time"
	case activitypub.SignatureDigest:
		return "digest"
	case activitypub.SignatureKeyUnavailable, activitypub.SignatureKeyOwner:
		return "key"
	case activitypub.SignatureMismatch:
		return "signature"
	}
	return "scheme" // not signed, malformed, algorithm, body size
}

// keyCheck reports the key's owner and host, and checks a posted
// activity's actor against the owner.
func keyCheck(v *activitypub.Verified, keyFile string) check {
	if keyFile != "" {
		return check{"key", true, "read from " + keyFile + ", host " + hostOf(v.KeyID) + "; its owner is not checked"}
	}
	reason := "owned by " + v.Actor
	kh, oh := hostOf(v.KeyID), hostOf(v.Actor)
	if kh != oh {
		return check{"key", false, fmt.Sprintf("%s, but the key is on host %s and its owner on %s", reason, kh, oh)}
	}
	reason += ", host " + kh
	var activity struct {
		Actor json.RawMessage `json:"actor"`
	}
	if len(v.Body) > 0 && json.Unmarshal(v.Body, &activity) == nil && len(activity.Actor) > 0 {
		var actor string
		if json.Unmarshal(activity.Actor, &actor) != nil {
			var obj struct {
				ID string `json:"id"`
			}
			_ = json.Unmarshal(activity.Actor, &obj)
			actor = obj.ID
		}
		if err := v.CheckActor(actor); err != nil {
			return check{"key", false, reason + "; but " + err.Error()}
		}
		reason += "; the activity's actor is the owner"
	}
	return check{"key", true, reason}
}

func digestText(req *http.Request, v *activitypub.Verified) string {
	for _, h := range v.Headers {
		switch h {
		case "digest":
			return "Digest matches the body (" + req.Header.Get("Digest") + ")"
		case "content-digest":
			return "Content-Digest matches the body (" + req.Header.Get("Content-Digest") + ")"
		}
	}
	return "no digest covered (no body signed)"
}

func schemeName(s activitypub.Scheme) string {
	switch s {
	case activitypub.SchemeCavage:
		return "draft-cavage"
	case activitypub.SchemeRFC9421:
		return "rfc9421"
	}
	return ""
}

func labelText(label string) string {
	if label == "" {
		return ""
	}
	return " (label " + label + ")"
}

func hostOf(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Host)
}

func print(w io.Writer, out output, asJSON bool) {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(out)
		return
	}
	state := "NOT VERIFIED"
	if out.Verified {
		state = "VERIFIED"
	}
	fmt.Fprintf(w, "%s  scheme %s  keyId %s\n", state, out.Scheme, out.KeyID)
	for _, c := range out.Checks {
		mark := "ok  "
		if !c.OK {
			mark = "FAIL"
		}
		fmt.Fprintf(w, "  %s %-9s %s\n", mark, c.Name, c.Reason)
	}
}
