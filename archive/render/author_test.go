package render

import (
	"strings"
	"testing"
)

func TestAuthorOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		uri, want, reason string
	}{
		{"https://example.social/users/bob/statuses/109", "@bob@example.social", "Mastodon status URI"},
		{"https://example.social/@bob/109", "@bob@example.social", "Mastodon status URL"},
		{"https://Example.Social/users/Bob_1/statuses/109/activity", "@Bob_1@example.social", "host lower-cased, name kept"},
		{"https://gts.example:8443/users/carol/statuses/01H", "@carol@gts.example:8443", "GoToSocial, a port"},
		{"https://example.social/@dave@elsewhere.example/42", "@dave@elsewhere.example", "a remote account shown by another server"},
		{"https://akkoma.example/objects/6c1f-42", "a post on akkoma.example", "other shapes: the host"},
		{"https://misskey.example/notes/9abc", "a post on misskey.example", "Misskey"},
		{"https://example.social/users/<b>x</b>/statuses/1", "a post on example.social", "a name with markup is not taken"},
		{"https://example.social/@%3Cscript%3E/1", "a post on example.social", "escaped markup is not taken"},
		{"https://example.social/users/" + string(make([]byte, 70)) + "/statuses/1", "", "control bytes: no parse"},
		{"https://example.social/@/1", "a post on example.social", "empty name"},
		{"https://evil.example\u202e/users/a/statuses/1", "", "a host with a bidi override"},
		{"javascript:alert(1)", "", "not http(s)"},
		{"tag:remote.example,2017:objectId=5", "a post on remote.example", "an OStatus tag: URI: the host"},
		{"tag:<b>x</b>,2017:objectId=5", "", "a tag: URI with markup for a host"},
		{"tag:remote.example", "", "a tag: URI with no date"},
		{"urn:uuid:6c1f", "", "not a URL"},
		{"https://remote.example/s/1\n# heading", "", "a newline"},
		{"https:///users/a/statuses/1", "", "no host"},
	}
	for _, tt := range tests {
		if got := authorOf(tt.uri); got != tt.want {
			t.Errorf("%s: authorOf(%q) = %q, want %q", tt.reason, tt.uri, got, tt.want)
		}
	}
}

func FuzzAuthorOf(f *testing.F) {
	for _, s := range []string{"https://a.example/users/b/statuses/1", "https://a.example/@b@c.example/1", "https://a.example/x", "javascript:x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, uri string) {
		got := authorOf(uri)
		for _, r := range got {
			if r < 0x20 || r == '<' || r == '>' || r == '"' || r == '&' || r == '/' {
				t.Fatalf("authorOf(%q) = %q holds %q", uri, got, r)
			}
		}
		if got != "" && webURL(uri) == "" && !strings.HasPrefix(uri, "tag:") {
			t.Fatalf("authorOf(%q) = %q for a URI that is neither http(s) nor tag:", uri, got)
		}
	})
}
