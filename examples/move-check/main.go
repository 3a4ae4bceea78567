// Command move-check runs fediport's pre-flight check for an account move
// against live servers: both accounts are resolved freshly, and it prints
// what is ready and what is missing.
//
//	go run ./examples/move-check [-json] [-allow-private] [-key FILE -key-id URL] OLD NEW
//
// OLD and NEW are account addresses (@alice@old.example) or actor URLs.
// With -json it prints one object: ready, origin and target (each id,
// movedTo, alsoKnownAs) and problems. It exits 0 when the move is ready, 3
// when it is not, and 1 on errors. -allow-private permits loopback and
// private addresses and plain http, for local testing.
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
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/internal/termtext"
	"github.com/fediport/fediport/migrate"
)

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
	fs := flag.NewFlagSet("move-check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print one JSON object")
	allowPrivate := fs.Bool("allow-private", false, "allow loopback and private addresses and plain http (local testing)")
	timeout := fs.Duration("timeout", 30*time.Second, "give up after this long")
	keyFile := fs.String("key", "", "sign fetches with the private key in this PEM `file` (of an actor you control)")
	keyID := fs.String("key-id", "", "the signing key's id `URL`, published where the servers can fetch it")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: move-check [-json] [-allow-private] [-key FILE -key-id URL] OLD NEW")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 1
	}
	if fs.NArg() != 2 {
		fs.Usage()
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()

	client := &activitypub.Client{AllowPrivate: *allowPrivate, AllowHTTP: *allowPrivate}
	if (*keyFile == "") != (*keyID == "") {
		fmt.Fprintln(stderr, "move-check: -key and -key-id go together")
		return 1
	}
	if *keyFile != "" {
		signer, err := loadSigner(*keyFile, *keyID)
		if err != nil {
			fmt.Fprintln(stderr, "move-check:", err)
			return 1
		}
		client.Signer = signer
	}
	checker := migrate.Checker{Actors: client, Handles: migrate.WebFinger(client)}
	rep, err := checker.Check(ctx, fs.Arg(0), fs.Arg(1))
	if err != nil {
		fmt.Fprintln(stderr, "move-check:", termtext.Escape(err.Error()))
		return 1
	}

	out := output{Ready: rep.Ready(), Origin: describe(rep.OriginID, rep.Origin), Target: describe(rep.TargetID, rep.Target), Problems: []string{}}
	for _, p := range rep.Problems {
		advice := p.Advice
		if errors.Is(p.Err, migrate.ErrSignatureRequired) && client.Signer == nil {
			advice, _, _ = strings.Cut(advice, "; sign the fetches")
			advice += "; sign them with -key FILE -key-id URL: the private key (PEM) of an actor you control, and its key id, which the server must be able to fetch"
		}
		out.Problems = append(out.Problems, advice)
	}
	if *asJSON {
		enc := json.NewEncoder(termtext.JSONWriter(stdout))
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			fmt.Fprintln(stderr, "move-check:", err)
			return 1
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
