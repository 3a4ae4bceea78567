package activitypub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"
)

// jrdMediaType is the media type of WebFinger answers.
const jrdMediaType = "application/jrd+json"

// WebFingerPath is where WebFinger lives on every host.
const WebFingerPath = "/.well-known/webfinger"

// JRD is a WebFinger answer (RFC 7033 JSON Resource Descriptor).
type JRD struct {
	Subject    string             `json:"subject"`
	Aliases    []string           `json:"aliases,omitempty"`
	Properties map[string]*string `json:"properties,omitempty"`
	Links      []Link             `json:"links,omitempty"`
}

// Link is a JRD link: Mastodon publishes "self" (the actor), the
// profile page and the remote-follow template.
type Link struct {
	Rel        string             `json:"rel"`
	Type       string             `json:"type,omitempty"`
	Href       string             `json:"href,omitempty"`
	Template   string             `json:"template,omitempty"`
	Titles     map[string]string  `json:"titles,omitempty"`
	Properties map[string]*string `json:"properties,omitempty"`
}

// SelfLink returns the href of the JRD's ActivityPub actor link: the first
// link with rel "self" and type application/activity+json or
// application/ld+json with the ActivityStreams profile. It returns "" when
// there is none.
func (j *JRD) SelfLink() string {
	for _, l := range j.Links {
		if l.Rel == "self" && l.Href != "" && isActivityPubType(l.Type) {
			return l.Href
		}
	}
	return ""
}

func isActivityPubType(t string) bool {
	mt, params, err := mime.ParseMediaType(t)
	if err != nil {
		return false
	}
	switch mt {
	case "application/activity+json":
		return true
	case "application/ld+json":
		return params["profile"] == ActivityStreamsContext
	}
	return false
}

// WebFingerResult is what [Client.WebFinger] found.
type WebFingerResult struct {
	// Account is the account the lookup settled on: the JRD's subject.
	// It is empty when the resource was an actor URL.
	Account Account
	// JRD is the WebFinger answer; nil when the resource was an actor URL.
	JRD *JRD
	// Self is the actor id: the JRD's self link, or the id of the actor
	// fetched.
	Self string
	// Actor is the actor document when the resource was an actor URL,
	// which is fetched instead of queried, or when the self link named an
	// actor on another host, which is fetched to confirm it; nil
	// otherwise.
	Actor *Actor
}

// WebFinger resolves resource to an ActivityPub actor. The resource is an
// account address in any form [ParseAccount] reads (user@host,
// @user@host, acct:user@host, with a port or an internationalised domain)
// or an actor URL (http:// or https://), which is fetched with
// [Client.FetchActor] instead.
//
// An account is queried at https://host/.well-known/webfinger (http when
// c.AllowHTTP), unsigned, and the answer must have a subject and a self
// link ([JRD.SelfLink]). When the subject names another account (a server
// whose accounts live on another domain, as Mastodon's WEB_DOMAIN setups
// do), that account is queried once, and must name itself and the same
// actor; otherwise the error has reason [WebFingerSubjectMismatch].
//
// When the self link names an actor on another host than the account's,
// the actor's host must confirm it, as Mastodon checks: the actor is
// fetched ([Client.FetchActor]; its id must be the self link) and the
// account it names, its webfinger member (Mastodon 4.6+) or else its
// preferredUsername at its id's host, is queried in turn. That answer's
// self link must be the same actor, and its subject either that account
// or the one settled on; Account is then that subject, the actor's
// canonical address, and Actor the actor. Otherwise the error wraps
// [WebFingerSelfUnconfirmed]. This costs one more WebFinger query and the
// actor fetch (which [Client.ResolveActor] then reuses), and no query at
// all when the actor's webfinger member names the account settled on.
//
// Errors are *[WebFingerError]s, or the fetch errors of [Client.Fetch]
// (404 and 410 as [ErrNotFound] and [ErrGone]).
func (c *Client) WebFinger(ctx context.Context, resource string) (*WebFingerResult, error) {
	trimmed := strings.TrimSpace(resource)
	if lower := strings.ToLower(trimmed); strings.HasPrefix(lower, "https://") || strings.HasPrefix(lower, "http://") {
		actor, err := c.FetchActor(ctx, trimmed)
		if err != nil {
			return nil, err
		}
		return &WebFingerResult{Self: actor.ID, Actor: actor}, nil
	}
	acct, err := ParseAccount(trimmed)
	if err != nil {
		return nil, &WebFingerError{Resource: resource, Reason: WebFingerInvalidAccount, Err: err}
	}
	jrd, subject, self, err := c.queryWebFinger(ctx, acct)
	if err != nil {
		return nil, err
	}
	res := &WebFingerResult{Account: subject, JRD: jrd, Self: self}
	if !sameAccount(subject, acct) {
		// One redirect: the subject must confirm itself and the actor.
		jrd2, subject2, self2, err := c.queryWebFinger(ctx, subject)
		if err != nil {
			return nil, err
		}
		if !sameAccount(subject2, subject) {
			return nil, &WebFingerError{Resource: resource, Reason: WebFingerSubjectMismatch, Detail: fmt.Sprintf("%s answered as %s, which answered as %s", acct, subject, subject2)}
		}
		if self2 != self {
			return nil, &WebFingerError{Resource: resource, Reason: WebFingerSubjectMismatch, Detail: fmt.Sprintf("%s names actor %s, %s names %s", acct, self, subject, self2)}
		}
		res = &WebFingerResult{Account: subject2, JRD: jrd2, Self: self2}
	}
	if !onHost(res.Self, res.Account.Host) {
		if err := c.confirmSelf(ctx, resource, res); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// onHost reports whether rawURL is on host, an [Account.Host].
func onHost(rawURL, host string) bool {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return false
	}
	h, err := asciiHost(u.Host)
	return err == nil && h == host
}

// confirmSelf has the host of res.Self confirm that its actor is
// res.Account (see [Client.WebFinger]), and fills in res.Actor.
func (c *Client) confirmSelf(ctx context.Context, resource string, res *WebFingerResult) error {
	fail := func(format string, args ...any) error {
		return &WebFingerError{Resource: resource, Reason: WebFingerSelfUnconfirmed, Detail: fmt.Sprintf(format, args...)}
	}
	actor, err := c.FetchActor(ctx, res.Self)
	if err != nil {
		return err
	}
	if actor.ID != res.Self {
		return &WebFingerError{Resource: resource, Reason: WebFingerIDMismatch, Detail: fmt.Sprintf("self link %s, actor id %s", res.Self, actor.ID)}
	}
	var claimed Account
	if actor.Webfinger != "" {
		if claimed, err = ParseAccount(actor.Webfinger); err != nil {
			return fail("actor %s has webfinger %q: %v", actor.ID, actor.Webfinger, err)
		}
		if sameAccount(claimed, res.Account) {
			// The actor's own host names the account: confirmed.
			res.Actor = actor
			return nil
		}
	} else {
		u, err := url.Parse(actor.ID)
		if err != nil || actor.PreferredUsername == "" {
			return fail("actor %s has no preferredUsername to confirm %s with", actor.ID, res.Account)
		}
		if claimed, err = ParseAccount(actor.PreferredUsername + "@" + u.Host); err != nil {
			return fail("actor %s: %v", actor.ID, err)
		}
	}
	jrd, subject, self, err := c.queryWebFinger(ctx, claimed)
	if err != nil {
		return fail("%s names actor %s, and querying %s failed: %v", res.Account, actor.ID, claimed, err)
	}
	if self != actor.ID {
		return fail("%s names actor %s, but %s names %s", res.Account, actor.ID, claimed, self)
	}
	switch {
	case sameAccount(subject, res.Account):
	case sameAccount(subject, claimed):
		res.Account, res.JRD = subject, jrd
	default:
		return fail("%s names actor %s, whose host answers for %s as %s", res.Account, actor.ID, claimed, subject)
	}
	res.Actor = actor
	return nil
}

// ResolveActor resolves resource with [Client.WebFinger] and fetches the
// actor its self link names, which must have that id exactly (else
// [ErrIDMismatch]). A self link on another host than the account's must
// be confirmed by the actor's host (else [WebFingerSelfUnconfirmed]); the
// actor fetched for that is returned without a second fetch.
func (c *Client) ResolveActor(ctx context.Context, resource string) (*Actor, error) {
	res, err := c.WebFinger(ctx, resource)
	if err != nil {
		return nil, err
	}
	if res.Actor != nil {
		return res.Actor, nil
	}
	actor, err := c.FetchActor(ctx, res.Self)
	if err != nil {
		return nil, err
	}
	if actor.ID != res.Self {
		return nil, &WebFingerError{Resource: resource, Reason: WebFingerIDMismatch, Detail: fmt.Sprintf("self link %s, actor id %s", res.Self, actor.ID)}
	}
	return actor, nil
}

func sameAccount(a, b Account) bool {
	return strings.EqualFold(a.User, b.User) && a.Host == b.Host
}

// queryWebFinger asks acct's host about acct and checks the answer.
func (c *Client) queryWebFinger(ctx context.Context, acct Account) (*JRD, Account, string, error) {
	scheme := "https"
	if c.AllowHTTP {
		scheme = "http"
	}
	u := scheme + "://" + acct.Host + WebFingerPath + "?resource=" + url.QueryEscape(acct.URI())
	resp, err := c.get(ctx, u, jrdMediaType+", application/json", webfingerMediaTypes, false)
	if err != nil {
		return nil, Account{}, "", err
	}
	var jrd JRD
	if err := json.Unmarshal(resp.body, &jrd); err != nil {
		return nil, Account{}, "", &WebFingerError{Resource: acct.URI(), Reason: WebFingerInvalidJRD, Detail: err.Error()}
	}
	if jrd.Subject == "" {
		return nil, Account{}, "", &WebFingerError{Resource: acct.URI(), Reason: WebFingerInvalidJRD, Detail: "no subject"}
	}
	subject, err := ParseAccount(jrd.Subject)
	if err != nil {
		return nil, Account{}, "", &WebFingerError{Resource: acct.URI(), Reason: WebFingerInvalidJRD, Detail: "subject: " + err.Error()}
	}
	self := jrd.SelfLink()
	if self == "" {
		return nil, Account{}, "", &WebFingerError{Resource: acct.URI(), Reason: WebFingerNoSelfLink}
	}
	return &jrd, subject, self, nil
}

// WebFingerLookup answers a WebFinger query for an account. It returns
// an error wrapping [ErrNotFound] for an account it does not know and
// [ErrGone] for a deleted one.
type WebFingerLookup func(ctx context.Context, acct Account) (*JRD, error)

// WebFingerHandler serves /.well-known/webfinger as Mastodon does: GET
// (or HEAD) with resource=acct:user@host (or user@host, @user@host),
// answered with the JRD from Lookup as application/jrd+json, with
// "Access-Control-Allow-Origin: *" and a three-day public cache lifetime.
//
// A missing or unparsable resource (including URL resources, which it
// does not look up) is answered 400, an unknown account 404, a deleted one
// 410, another lookup error 500 (without its text), another method 405.
type WebFingerHandler struct {
	Lookup WebFingerLookup
}

// ServeHTTP implements [http.Handler].
func (h *WebFingerHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("Access-Control-Allow-Origin", "*")
	resource := r.URL.Query().Get("resource")
	if resource == "" {
		http.Error(w, "missing resource parameter", http.StatusBadRequest)
		return
	}
	acct, err := ParseAccount(resource)
	if err != nil {
		http.Error(w, "invalid resource parameter", http.StatusBadRequest)
		return
	}
	if h.Lookup == nil {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	jrd, err := h.Lookup(r.Context(), acct)
	switch {
	case errors.Is(err, ErrGone):
		http.Error(w, "gone", http.StatusGone)
		return
	case errors.Is(err, ErrNotFound) || (err == nil && jrd == nil):
		http.Error(w, "not found", http.StatusNotFound)
		return
	case err != nil:
		http.Error(w, "internal server error", http.StatusInternalServerError)
		return
	}
	body, err := json.Marshal(jrd)
	if err != nil {
		http.Error(w, "internal server error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", jrdMediaType+"; charset=utf-8")
	w.Header().Set("Cache-Control", "max-age=259200, public")
	w.Header().Set("Vary", "Origin")
	_, _ = w.Write(body)
}
