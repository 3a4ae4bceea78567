package activitypub

import (
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// blockedPrefixes are the non-public ranges [isPublicAddress] refuses
// beside what netip.Addr's predicates catch.
var blockedPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),   // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("192.0.2.0/24"),    // documentation
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("198.51.100.0/24"), // documentation
	netip.MustParsePrefix("203.0.113.0/24"),  // documentation
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, and broadcast
	netip.MustParsePrefix("192.88.99.0/24"),  // 6to4 relay anycast
	netip.MustParsePrefix("::/96"),           // IPv4-compatible (deprecated)
	netip.MustParsePrefix("::ffff:0:0:0/96"), // IPv4-translated
	netip.MustParsePrefix("2001::/32"),       // Teredo, which tunnels to any IPv4 address
	netip.MustParsePrefix("fec0::/10"),       // site-local (deprecated)
	netip.MustParsePrefix("64:ff9b:1::/48"),  // local-use NAT64
	netip.MustParsePrefix("100::/64"),        // discard
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
}

// nat64 is the well-known NAT64 prefix and sixToFour the 6to4 prefix,
// whose addresses embed an IPv4 address that is checked in turn.
var (
	nat64     = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour = netip.MustParsePrefix("2002::/16")
)

// isPublicAddress reports whether a is a public unicast address a
// [Client] may connect to: not loopback, private (RFC 1918, fc00::/7),
// link-local, multicast, unspecified, carrier-grade NAT (100.64.0.0/10),
// documentation, benchmarking, reserved, IPv4-compatible, Teredo or
// site-local. IPv4-mapped, NAT64 and 6to4 addresses are judged by the IPv4
// address they hold.
func isPublicAddress(a netip.Addr) bool {
	a = a.Unmap()
	if a.Is6() && nat64.Contains(a) {
		b := a.As16()
		a = netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
	} else if a.Is6() && sixToFour.Contains(a) {
		b := a.As16()
		a = netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]})
	}
	if !a.IsValid() || a.IsLoopback() || a.IsPrivate() || a.IsUnspecified() ||
		a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsInterfaceLocalMulticast() || a.IsMulticast() {
		return false
	}
	for _, p := range blockedPrefixes {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

// dialControl refuses connections to non-public addresses. It runs after
// name resolution, on the address actually dialled, so neither DNS
// rebinding nor a redirect can reach a private address.
func dialControl(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return &AddressError{Addr: address}
	}
	if !isPublicAddress(ap.Addr()) {
		return &AddressError{Addr: address}
	}
	return nil
}

// NewTransport returns the HTTP transport a [Client] uses when its
// HTTPClient is nil: no proxy (a proxy would hide the address dialled),
// HTTP/2, and, unless allowPrivate, a dialer that refuses non-public
// addresses (loopback, private, link-local, multicast, CGNAT,
// documentation and other reserved ranges, and IPv6 addresses that embed
// one) after name resolution. Use it as the
// base of a custom [Client.HTTPClient] to keep that protection.
func NewTransport(allowPrivate bool) *http.Transport {
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	if !allowPrivate {
		d.Control = dialControl
	}
	return &http.Transport{
		Proxy:                  nil,
		DialContext:            d.DialContext,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           100,
		IdleConnTimeout:        90 * time.Second,
		TLSHandshakeTimeout:    10 * time.Second,
		ExpectContinueTimeout:  time.Second,
		MaxResponseHeaderBytes: 64 << 10,
	}
}
