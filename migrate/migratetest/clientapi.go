package migratetest

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/fediport/fediport/importer/mastodonapi/mastodonapitest"
)

// ServeClientAPI serves api, a Mastodon client API for the local account
// username, under /api/ on this server, so that a Mastodon client (such
// as package importer/posts over a mastodonapi.Client with BaseURL
// [Server.URL] and api's Token) acts as that account on the server that
// serves its actor. api is a [mastodonapitest.Server] made with
// mastodonapitest.New(s.Host, username, token); set its fields (such as
// GoToSocial) before this call.
//
// A request under /api/ goes to the api whose Token it carries; one
// without a known token (such as the public instance route) to the first
// api served, which refuses it unless the route is public. Without any,
// /api/ is 404. What the client API does (statuses posted, files
// uploaded) is api's state, read with its methods: the server's
// ActivityPub side does not publish it.
func (s *Server) ServeClientAPI(username string, api *mastodonapitest.Server) error {
	if _, err := s.account(username); err != nil {
		return err
	}
	switch {
	case api == nil || api.Token == "":
		return errors.New("migratetest: a client API needs a token")
	case !strings.EqualFold(api.LocalDomain, s.Host):
		return fmt.Errorf("migratetest: client API for %q served on %s", api.LocalDomain, s.Host)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range s.apis {
		if a.Token == api.Token {
			return errors.New("migratetest: a client API with this token is already served")
		}
	}
	s.apis = append(s.apis, api)
	return nil
}

// serveAPI hands a client API request to the api whose token it carries.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.mu.Lock()
	var h http.Handler
	for i, a := range s.apis {
		if i == 0 || (token != "" && a.Token == token) {
			h = a
		}
	}
	s.mu.Unlock()
	if h == nil {
		http.NotFound(w, r)
		return
	}
	h.ServeHTTP(w, r)
}
