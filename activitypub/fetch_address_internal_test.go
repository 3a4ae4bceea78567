package activitypub

import (
	"net/netip"
	"testing"
)

func TestPublicAddress(t *testing.T) {
	t.Parallel()
	tests := []struct {
		addr string
		want bool
	}{
		{"93.184.215.14", true},
		{"2606:4700::6810:85e5", true},
		{"127.0.0.1", false},
		{"::1", false},
		{"10.1.2.3", false},
		{"172.16.0.1", false},
		{"192.168.1.1", false},
		{"169.254.169.254", false},
		{"fe80::1", false},
		{"fd00::1", false},
		{"0.0.0.0", false},
		{"::", false},
		{"100.64.0.1", false},
		{"224.0.0.1", false},
		{"ff02::1", false},
		{"255.255.255.255", false},
		{"::ffff:127.0.0.1", false},
		{"::ffff:10.0.0.1", false},
		{"64:ff9b::7f00:1", false},
		{"64:ff9b::5db8:d70e", true},
		{"2001:db8::1", false},
		{"::7f00:1", false},            // IPv4-compatible 127.0.0.1
		{"2002:7f00:1::1", false},      // 6to4 of 127.0.0.1
		{"2002:a00:1::1", false},       // 6to4 of 10.0.0.1
		{"2002:5db8:d70e::1", true},    // 6to4 of a public address
		{"2001:0:4136:e378::1", false}, // Teredo
		{"fec0::1", false},             // site-local
		{"::ffff:0:7f00:1", false},     // IPv4-translated
	}
	for _, tc := range tests {
		if got := isPublicAddress(netip.MustParseAddr(tc.addr)); got != tc.want {
			t.Errorf("isPublicAddress(%s) = %v, want %v", tc.addr, got, tc.want)
		}
	}
}
