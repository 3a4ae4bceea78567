// Command move-check runs fediport's pre-flight check for an account move
// against live servers: both accounts are resolved freshly, and it prints
// what is ready and what is missing.
//
//	go run ./examples/move-check [-json] [-allow-private] [-key FILE -key-id URL] OLD NEW
//
// OLD and NEW are account addresses (@alice@old.example) or actor URLs.
// With -json it prints one object: ready, origin and target (each id,
// movedTo, alsoKnownAs) and problems. It exits 0 when the move is ready, 3
// when it is not, 1 on errors and 2 for bad usage. -allow-private permits
// loopback and private addresses and plain http, for local testing.
//
// Servers that require signed fetches (GoToSocial always, Mastodon in
// authorized-fetch mode) answer 401 to an unsigned one; move-check then
// reports that as a problem. With -key (a PEM file holding the private
// key of an actor you control, RSA or Ed25519) and -key-id (that key's
// id, such as https://example.com/actor#main-key, which the servers must
// be able to fetch) it signs every fetch.
//
// A remote server does not publish when an account last moved, so the
// 30-day cooldown is not checked here; the old account's server checks it.
package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/examples/cli"
	"github.com/fediport/fediport/examples/termtext"
	"github.com/fediport/fediport/migrate"
)

//go:embed main.go
var source string

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// account is an account as the JSON output shows it.
type account struct {
	ID          string   `json:"id"`
	MovedTo     string   `json:"movedTo"`
	AlsoKnownAs []string `json:"alsoKnownAs"`
}

type output struct {
	Ready    bool     `json:"ready"`
	Origin   account  `json:"origin"`
	Target   account  `json:"target"`
	Problems []string `json:"problems"`
}

func run(args []string, stdout, stderr io.Writer) int {
	c := cli.New("move-check", source, stdout, stderr)
	c.Exits = []string{"3  the move is not ready: what is missing is printed"}
	fs := c.Flags
	asJSON := fs.Bool("json", false, "print one JSON object")
	allowPrivate := fs.Bool("allow-private", false, "allow loopback and private addresses and plain http (local testing)")
	timeout := fs.Duration("timeout", 30*time.Second, "give up after this long")
	keyFile := fs.String("key", "", "sign fetches with the private key in this PEM `file` (of an actor you control)")
	keyID := fs.String("key-id", "", "the signing key's id `URL`, published where the servers can fetch it")
	accounts, err := c.Parse(args)
	switch {
	case err != nil:
	case len(accounts) != 2:
		err = cli.Usagef("expected two accounts, OLD and NEW, got %d", len(accounts))
	case (*keyFile == "") != (*keyID == ""):
		err = cli.Usagef("-key and -key-id go together")
	default:
		err = checkAccount("OLD", accounts[0])
		if err == nil {
			err = checkAccount("NEW", accounts[1])
		}
	}
	if err != nil {
		return c.Exit(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()

	client := &activitypub.Client{AllowPrivate: *allowPrivate, AllowHTTP: *allowPrivate}
	if *keyFile != "" {
		signer, err := loadSigner(*keyFile, *keyID)
		if err != nil {
			return c.Exit(err)
		}
		client.Signer = signer
	}
	checker := migrate.Checker{Actors: client, Handles: migrate.WebFinger(client)}
	rep, err := checker.Check(ctx, accounts[0], accounts[1])
	if err != nil {
		return c.Exit(errors.New(termtext.Escape(explain(err))))
	}

	out := output{Ready: rep.Ready(), Origin: describe(rep.OriginID, rep.Origin), Target: describe(rep.TargetID, rep.Target), Problems: []string{}}
	for _, p := range rep.Problems {
		advice := p.Advice
		if p.Reason == migrate.PreflightSignatureRequired && client.Signer == nil {
			advice, _, _ = strings.Cut(advice, "; sign the fetches")
			advice += "; sign them with -key FILE -key-id URL: the private key (PEM) of an actor you control, and its key id, which the server must be able to fetch"
		}
		out.Problems = append(out.Problems, advice)
	}
	if *asJSON {
		enc := json.NewEncoder(termtext.JSONWriter(stdout))
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return c.Exit(err)
		}
	} else {
		fmt.Fprintf(stdout, "old account: %s\n", termtext.Escape(out.Origin.ID))
		fmt.Fprintf(stdout, "new account: %s (aliases: %s)\n", termtext.Escape(out.Target.ID), termtext.Escape(fmt.Sprint(out.Target.AlsoKnownAs)))
		if out.Ready {
			fmt.Fprintln(stdout, "ready: the old account can move to the new one")
		}
		for _, p := range out.Problems {
			fmt.Fprintln(stdout, "missing:", termtext.Escape(p))
		}
	}
	if !out.Ready {
		return 3
	}
	return 0
}

// accountForms lists the forms an account may be given in.
const accountForms = "@user@host, user@host or https://host/users/user"

// checkAccount returns a usage error when account is neither an account
// address nor an http(s) actor URL, naming the forms accepted.
func checkAccount(which, account string) error {
	if migrate.IsHandle(account) {
		if _, err := activitypub.ParseAccount(account); err != nil {
			return cli.Usagef("%s %q is not an account: %v; give %s", which, account, err, accountForms)
		}
		return nil
	}
	if u, err := url.Parse(account); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
		return nil
	}
	return cli.Usagef("%s %q is not an account; give %s", which, account, accountForms)
}

// explain returns the message for an error of the check, saying each
// thing once: the packages' prefixes go, and a refused private address
// points at -allow-private.
func explain(err error) string {
	var addr *activitypub.AddressError
	if errors.As(err, &addr) {
		return fmt.Sprintf("%s is a loopback or private address, refused by default; give -allow-private to reach it (for local testing)", addr.Addr)
	}
	msg := err.Error()
	for _, prefix := range []string{"migrate: ", "activitypub: "} {
		msg = strings.ReplaceAll(msg, prefix, "")
	}
	return msg
}

// loadSigner reads a PEM private key for signing with the key id.
func loadSigner(file, keyID string) (*activitypub.Signer, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	key, err := activitypub.ParsePrivateKeyPEM(string(b))
	if err != nil {
		return nil, fmt.Errorf("-key %s: %w", file, err)
	}
	return &activitypub.Signer{KeyID: keyID, Key: key}, nil
}

func describe(id string, a *activitypub.Actor) account {
	if a == nil {
		return account{ID: id, AlsoKnownAs: []string{}}
	}
	aka := a.AlsoKnownAs
	if aka == nil {
		aka = []string{}
	}
	return account{ID: a.ID, MovedTo: a.MovedTo, AlsoKnownAs: aka}
}
