package activitypub_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"

	"github.com/fediport/fediport/activitypub"
)

// ExampleClient_WebFinger serves WebFinger with WebFingerHandler on a
// local test server and looks an account up with a Client.
func ExampleClient_WebFinger() {
	var srv *httptest.Server
	handler := &activitypub.WebFingerHandler{Lookup: func(ctx context.Context, acct activitypub.Account) (*activitypub.JRD, error) {
		if acct.User != "alice" {
			return nil, activitypub.ErrNotFound
		}
		return &activitypub.JRD{
			Subject: acct.URI(),
			Links: []activitypub.Link{
				{Rel: "self", Type: "application/activity+json", Href: srv.URL + "/users/alice"},
			},
		}, nil
	}}
	srv = httptest.NewServer(handler)
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")

	// A loopback test server needs both Allow fields; real servers do not.
	c := &activitypub.Client{AllowPrivate: true, AllowHTTP: true}
	res, err := c.WebFinger(context.Background(), "@alice@"+host)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("user:", res.Account.User)
	fmt.Println("actor:", strings.Replace(res.Self, host, "localhost:PORT", 1))

	_, err = c.WebFinger(context.Background(), "bob@"+host)
	fmt.Println("bob not found:", errors.Is(err, activitypub.ErrNotFound))
	// Output:
	// user: alice
	// actor: http://localhost:PORT/users/alice
	// bob not found: true
}
