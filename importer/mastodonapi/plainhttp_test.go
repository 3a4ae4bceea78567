package mastodonapi_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/fediport/fediport/importer/mastodonapi"
)

// roundTripFunc is a caller's own transport, whose connections the
// client cannot see.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// remoteConn is a real loopback connection that reports a remote address
// on another machine, as a name resolving off the machine would give.
type remoteConn struct{ net.Conn }

func (remoteConn) RemoteAddr() net.Addr { return &net.TCPAddr{IP: net.IPv4(192, 0, 2, 7), Port: 80} }

// tokenServer is a loopback server that records whether a token reached it.
func tokenServer(t *testing.T) (*httptest.Server, *atomic.Bool) {
	var got atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			got.Store(true)
		}
		w.Write([]byte(`{}`))
	}))
	t.Cleanup(srv.Close)
	return srv, &got
}

// dialTo returns a transport that connects every name to srv, wrapping
// the connection with wrap.
func dialTo(srv *httptest.Server, wrap func(net.Conn) net.Conn) *http.Transport {
	addr := srv.Listener.Addr().String()
	return &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return wrap(c), nil
	}}
}

func TestPlainHTTPRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		baseURL string
		client  func(srv *httptest.Server, sent *atomic.Bool) *http.Client
	}{
		{
			name:    "an IP address off the machine is refused before dialling",
			baseURL: "http://192.0.2.1",
			client:  func(*httptest.Server, *atomic.Bool) *http.Client { return nil },
		},
		{
			name:    "a name through the caller's transport cannot be checked, so it is refused",
			baseURL: "http://mastodon.example",
			client: func(_ *httptest.Server, sent *atomic.Bool) *http.Client {
				return &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
					sent.Store(r.Header.Get("Authorization") != "")
					return nil, errors.New("should not be called")
				})}
			},
		},
		{
			name:    "a name that connects off the machine is refused before the token is written",
			baseURL: "http://mastodon.example",
			client: func(srv *httptest.Server, _ *atomic.Bool) *http.Client {
				return &http.Client{Transport: dialTo(srv, func(c net.Conn) net.Conn { return remoteConn{c} })}
			},
		},
		{
			name:    "a name through a proxy on this machine is refused: the proxy forwards it off the machine",
			baseURL: "http://mastodon.example",
			client: func(srv *httptest.Server, _ *atomic.Bool) *http.Client {
				proxy, err := url.Parse(srv.URL)
				if err != nil {
					panic(err)
				}
				return &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxy)}}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, reached := tokenServer(t)
			var sent atomic.Bool
			c := &mastodonapi.Client{BaseURL: tt.baseURL, Token: token, HTTPClient: tt.client(srv, &sent)}
			err := c.BlockDomain(context.Background(), "x.example")
			if !errors.Is(err, mastodonapi.ErrPlainHTTP) {
				t.Fatalf("err = %v, want ErrPlainHTTP", err)
			}
			if !strings.Contains(err.Error(), "AllowHTTP") || !strings.Contains(err.Error(), "https://") {
				t.Errorf("error %q does not say how to proceed", err)
			}
			var e *mastodonapi.Error
			if errors.As(err, &e) && e.Temporary() {
				t.Errorf("err = %v is temporary; retrying will not help", err)
			}
			if sent.Load() || reached.Load() {
				t.Error("the token was sent over plain HTTP")
			}
		})
	}
}

func TestPlainHTTPAllowed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		baseURL func(srv *httptest.Server) string
		client  func(srv *httptest.Server) *http.Client
		allow   bool
	}{
		{
			name:    "a loopback address, as a test server's",
			baseURL: func(srv *httptest.Server) string { return srv.URL },
			client:  func(*httptest.Server) *http.Client { return nil },
		},
		{
			name:    "a name that resolves to loopback, as a local peer's",
			baseURL: func(*httptest.Server) string { return "http://old.test" },
			client: func(srv *httptest.Server) *http.Client {
				return &http.Client{Transport: dialTo(srv, func(c net.Conn) net.Conn { return c })}
			},
		},
		{
			name:    "a name off the machine with AllowHTTP",
			baseURL: func(*httptest.Server) string { return "http://mastodon.example" },
			client: func(srv *httptest.Server) *http.Client {
				return &http.Client{Transport: dialTo(srv, func(c net.Conn) net.Conn { return remoteConn{c} })}
			},
			allow: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, reached := tokenServer(t)
			c := &mastodonapi.Client{BaseURL: tt.baseURL(srv), Token: token, HTTPClient: tt.client(srv), AllowHTTP: tt.allow}
			if err := c.BlockDomain(context.Background(), "x.example"); err != nil {
				t.Fatal(err)
			}
			if !reached.Load() {
				t.Error("the request did not reach the server")
			}
		})
	}
}
