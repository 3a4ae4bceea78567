package activitypub_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"syscall"
	"testing"

	"github.com/fediport/fediport/activitypub"
)

// TestFetchErrorNamesURLOnce: a fetch that cannot connect says so with
// the URL once, not once per layer.
func TestFetchErrorNamesURLOnce(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	u := "http://" + addr + "/users/alice"
	c := &activitypub.Client{AllowPrivate: true, AllowHTTP: true}
	_, err = c.FetchActor(context.Background(), u)
	if err == nil {
		t.Fatal("fetch from a closed port succeeded")
	}
	if n := strings.Count(err.Error(), u); n != 1 {
		t.Errorf("error names the URL %d times: %v", n, err)
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("error %v does not unwrap to ECONNREFUSED", err)
	}
}
