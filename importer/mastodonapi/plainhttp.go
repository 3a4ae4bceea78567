package mastodonapi

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
)

// plainHTTP checks a plain http:// BaseURL before a request: it returns
// the round tripper to send it with, one that only connects to loopback
// addresses, or an error wrapping [ErrPlainHTTP]. With https, or with
// AllowHTTP set, it returns rt unchanged.
func (c *Client) plainHTTP(base *url.URL, rt http.RoundTripper) (http.RoundTripper, error) {
	if base.Scheme != "http" || c.AllowHTTP {
		return rt, nil
	}
	if rt == nil {
		rt = http.DefaultTransport
	}
	if ip := net.ParseIP(base.Hostname()); ip != nil && !ip.IsLoopback() {
		return nil, plainHTTPError(base.Host)
	}
	t, ok := rt.(*http.Transport)
	if !ok {
		// A transport of the caller's, whose connections cannot be
		// checked: only a host that names loopback itself will do.
		if isLoopbackName(base.Hostname()) {
			return rt, nil
		}
		return nil, plainHTTPError(base.Host)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.guarded == nil || c.guardedFrom != t {
		g := t.Clone()
		dial := t.DialContext
		if dial == nil {
			dial = (&net.Dialer{}).DialContext
		}
		host := base.Host
		// The check is on the address connected to, whatever the name
		// resolved to: the token is written only once the connection is
		// known to stay on this machine.
		g.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
			conn, err := dial(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			if a, ok := conn.RemoteAddr().(*net.TCPAddr); !ok || !a.IP.IsLoopback() {
				conn.Close()
				return nil, plainHTTPError(host)
			}
			return conn, nil
		}
		// A proxy is a connection on this machine that forwards the
		// request, token and all, over the network: refuse one.
		if proxy := t.Proxy; proxy != nil {
			g.Proxy = func(r *http.Request) (*url.URL, error) {
				u, err := proxy(r)
				if u != nil {
					return nil, plainHTTPError(host)
				}
				return nil, err
			}
		}
		c.guarded, c.guardedFrom = g, t
	}
	return c.guarded, nil
}

func plainHTTPError(host string) error {
	return fmt.Errorf("%w: http://%s is not on this machine, and the token would cross the network unencrypted; use https://, or set Client.AllowHTTP to send it anyway", ErrPlainHTTP, host)
}

// isLoopbackName reports whether host is a loopback IP address or
// "localhost".
func isLoopbackName(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
