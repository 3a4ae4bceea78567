package mastodonapi_test

import (
	"net/http/httptest"
	"testing"

	"github.com/fediport/fediport/importer/importertest"
	"github.com/fediport/fediport/importer/mastodonapi"
	"github.com/fediport/fediport/importer/mastodonapi/mastodonapitest"
)

// TestClientConforms runs package importertest's conformance check of a
// destination on the Client, against the Mastodon API test server.
func TestClientConforms(t *testing.T) {
	t.Parallel()
	s := mastodonapitest.New("new.example", "me", token)
	s.AddAccount("alice@old.example")
	s.AddRemoteAccount("bob@far.example")
	s.AddStatus("https://old.example/statuses/1")
	srv := httptest.NewServer(s)
	defer srv.Close()
	c := &mastodonapi.Client{BaseURL: srv.URL, Token: token}
	importertest.TestDestination(t, c.Destination(), c, importertest.Subjects{
		Accounts:  [2]string{"alice@old.example", "bob@far.example"},
		Domain:    "spam.example",
		StatusURI: "https://old.example/statuses/1",
	})
	if st := s.Snapshot(); len(st.Following)+len(st.Blocks)+len(st.Mutes)+len(st.DomainBlocks)+len(st.Bookmarks)+len(st.Lists) != 0 {
		t.Errorf("the check left state behind: %+v", st)
	}
}
