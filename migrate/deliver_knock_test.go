package migrate_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/migrate"
)

// schemeInbox is a loopback inbox that verifies signatures by key 0 and
// accepts only the schemes in accept, answering 401 to the others (or
// the status in answer for that scheme). It records the scheme of each
// request.
type schemeInbox struct {
	*httptest.Server
	mu     sync.Mutex
	seen   []activitypub.Scheme
	answer map[activitypub.Scheme]int
}

func newSchemeInbox(t *testing.T, accept ...activitypub.Scheme) *schemeInbox {
	s := &schemeInbox{}
	pub, _ := activitypub.MarshalPublicKeyPEM(&testKey(t, 0).PublicKey)
	v := &activitypub.Verifier{Keys: activitypub.KeyResolverFunc(func(_ context.Context, id string, _ bool) (*activitypub.PublicKey, error) {
		return &activitypub.PublicKey{ID: id, Owner: oldID, PublicKeyPem: pub}, nil
	})}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, err := v.Verify(r.Context(), r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		s.mu.Lock()
		s.seen = append(s.seen, got.Scheme)
		s.mu.Unlock()
		for _, a := range accept {
			if got.Scheme == a {
				w.WriteHeader(http.StatusAccepted)
				return
			}
		}
		if status := s.answer[got.Scheme]; status != 0 {
			w.WriteHeader(status)
			return
		}
		w.WriteHeader(http.StatusUnauthorized)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *schemeInbox) take() []activitypub.Scheme {
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := s.seen
	s.seen = nil
	return seen
}

// TestDeliverDoubleKnock checks that a refused scheme is retried once
// with the other, and that the one accepted is used first next time.
func TestDeliverDoubleKnock(t *testing.T) {
	t.Parallel()
	const (
		cavage  = activitypub.SchemeCavage
		rfc9421 = activitypub.SchemeRFC9421
	)
	tests := []struct {
		name      string
		preferred activitypub.Scheme
		accept    []activitypub.Scheme
		first     []activitypub.Scheme // schemes sent by the first Deliver
		then      []activitypub.Scheme // by the second
		answer    map[activitypub.Scheme]int
		status    int  // of the DeliveryError; 0 for success
		temporary bool // of the DeliveryError
	}{
		{name: "RFC 9421 preferred, cavage-only inbox", preferred: rfc9421, accept: []activitypub.Scheme{cavage}, first: []activitypub.Scheme{rfc9421, cavage}, then: []activitypub.Scheme{cavage}},
		{name: "cavage preferred, RFC 9421-only inbox", preferred: cavage, accept: []activitypub.Scheme{rfc9421}, first: []activitypub.Scheme{cavage, rfc9421}, then: []activitypub.Scheme{rfc9421}},
		{name: "default (cavage), both accepted", accept: []activitypub.Scheme{cavage, rfc9421}, first: []activitypub.Scheme{cavage}, then: []activitypub.Scheme{cavage}},
		{name: "RFC 9421 preferred and accepted", preferred: rfc9421, accept: []activitypub.Scheme{rfc9421}, first: []activitypub.Scheme{rfc9421}, then: []activitypub.Scheme{rfc9421}},
		{name: "neither accepted", preferred: rfc9421, first: []activitypub.Scheme{rfc9421, cavage}, then: []activitypub.Scheme{rfc9421, cavage}, status: http.StatusUnauthorized},
		{name: "preferred refused, other unavailable", preferred: rfc9421, answer: map[activitypub.Scheme]int{cavage: http.StatusServiceUnavailable},
			first: []activitypub.Scheme{rfc9421, cavage}, then: []activitypub.Scheme{rfc9421, cavage}, status: http.StatusServiceUnavailable, temporary: true},
		{name: "403 is not knocked again", preferred: rfc9421, answer: map[activitypub.Scheme]int{rfc9421: http.StatusForbidden},
			first: []activitypub.Scheme{rfc9421}, then: []activitypub.Scheme{rfc9421}, status: http.StatusForbidden},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newSchemeInbox(t, tc.accept...)
			s.answer = tc.answer
			d := testDeliverer(t)
			d.Signer.Scheme = tc.preferred
			for i, want := range [][]activitypub.Scheme{tc.first, tc.then} {
				err := d.Deliver(context.Background(), migrate.DeliveryUnit{Inbox: s.URL + "/users/bob/inbox", Activity: moveBody})
				var de *migrate.DeliveryError
				switch {
				case tc.status == 0 && err != nil:
					t.Fatalf("delivery %d: %v", i+1, err)
				case tc.status != 0 && (!errors.As(err, &de) || de.StatusCode != tc.status || de.Temporary() != tc.temporary):
					t.Fatalf("delivery %d: %v, want a DeliveryError with status %d, temporary %v", i+1, err, tc.status, tc.temporary)
				}
				if got := s.take(); !slices.Equal(got, want) {
					t.Errorf("delivery %d sent %v, want %v", i+1, got, want)
				}
			}
		})
	}
}
