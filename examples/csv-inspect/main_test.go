package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{
			name: "follows export, type guessed from the header, a bad row reported",
			args: []string{"-json", "testdata/following_accounts.csv"},
			want: `{"type":"following","header":true,"rows":[
				{"account":"alice@social.example","showBoosts":true,"notify":false,"languages":["de","en"]},
				{"account":"bob@other.example","showBoosts":false,"notify":true,"languages":null}],
				"errors":[{"line":5,"column":1,"message":"invalid account address \"not an address\""}],
				"warnings":[]}`,
		},
		{
			name: "3.x follows: keys for missing columns are absent",
			args: []string{"-json", "testdata/follows-3x.csv"},
			want: `{"type":"following","header":true,"rows":[{"account":"alice@social.example","showBoosts":true}],"errors":[],"warnings":[]}`,
		},
		{
			name: "follows read as blocks: a warning",
			args: []string{"-json", "-type", "blocking", "testdata/following_accounts.csv"},
			want: `{"type":"blocking","header":true,"rows":[{"account":"alice@social.example"},{"account":"bob@other.example"}],
				"errors":[{"line":5,"column":1,"message":"invalid account address \"not an address\""}],
				"warnings":["file looks like following, not blocking (the header has \"Show boosts\")"]}`,
		},
		{
			name: "blocks guessed from the file name",
			args: []string{"-json", "testdata/blocked_accounts.csv"},
			want: `{"type":"blocking","header":false,"rows":[{"account":"alice@social.example"},{"account":"bob@other.example"}],"errors":[],"warnings":[]}`,
		},
		{
			name: "mutes: an empty cell is null",
			args: []string{"-json", "testdata/muted_accounts.csv"},
			want: `{"type":"muting","header":true,"rows":[{"account":"alice@social.example","hideNotifications":null},{"account":"bob@other.example","hideNotifications":false}],"errors":[],"warnings":[]}`,
		},
		{
			name: "lists",
			args: []string{"-json", "testdata/lists.csv"},
			want: `{"type":"lists","header":false,"rows":[{"list":"Friends","account":"alice@social.example"},{"list":"Work, mostly","account":"bob@other.example"}],"errors":[],"warnings":[]}`,
		},
		{
			name: "followers can be inspected, with a warning that they cannot be imported",
			args: []string{"-json", "testdata/followers.csv"},
			want: `{"type":"followers","header":true,"rows":[{"account":"alice@social.example"}],"errors":[],
				"warnings":["a followers list cannot be imported: no account can be made to follow another; moving the account (package migrate) is what brings followers"]}`,
		},
		{
			name: "type given for a file that cannot be guessed",
			args: []string{"-type", "muting", "-json", "testdata/mystery.csv"},
			want: `{"type":"muting","header":false,"rows":[{"account":"alice@social.example"}],"errors":[],"warnings":[]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			if code := run(tt.args, &stdout, &stderr); code != 0 {
				t.Fatalf("exit %d, stderr %q", code, stderr.String())
			}
			var got, want any
			dec := json.NewDecoder(&stdout)
			if err := dec.Decode(&got); err != nil {
				t.Fatalf("output is not JSON: %v", err)
			}
			if dec.More() {
				t.Error("more than one JSON value")
			}
			if err := json.Unmarshal([]byte(tt.want), &want); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("report (-want +got):\n%s", diff)
			}
			if stderr.Len() != 0 {
				t.Errorf("stderr: %q", stderr.String())
			}
		})
	}
}

func TestUnusableFiles(t *testing.T) {
	t.Parallel()
	big := filepath.Join(t.TempDir(), "blocked_accounts.csv")
	if err := os.WriteFile(big, bytes.Repeat([]byte("alice@social.example\n"), 21<<20/21+1000), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"wrong type", []string{"-json", "-type", "domain_blocking", "testdata/following_accounts.csv"}, 1, "incompatible with the selected import type"},
		{"too large", []string{"-json", big}, 1, "file is too large"},
		{"ZIP", []string{"-json", "-type", "blocking", "testdata/not-csv.csv"}, 1, "this is a ZIP archive, not a CSV file: use archive-inspect"},
		{"ZIP, type guessed", []string{"testdata/not-csv.csv"}, 1, "this is a ZIP archive"},
		{"gzip", []string{writeTemp(t, "x.csv", "\x1f\x8b\x08\x00rest")}, 1, "this is a gzip file"},
		{"binary", []string{"-type", "blocking", writeTemp(t, "b.csv", "a\x00b\x01\x02")}, 1, "b.csv: binary data, not a CSV file"},
		{"empty, type unknown", []string{writeTemp(t, "x.csv", "")}, 1, "x.csv: an empty file, with no header to tell its type: give -type"},
		{"a folder", []string{t.TempDir()}, 1, "a folder, not a CSV file"},
		{"Latin-1", []string{"-type", "blocking", writeTemp(t, "l.csv", "caf\xe9@x.example\n")}, 1, "not a UTF-8 CSV file"},
		{"unterminated quote", []string{"-type", "blocking", writeTemp(t, "q.csv", "a@x.example\n\"b@x.example\nc@x.example\n")}, 1, "q.csv: line 2: a quoted field never ends"},
		{"type cannot be told", []string{"-json", "testdata/mystery.csv"}, 1, "give -type"},
		{"unknown type", []string{"-type", "contacts", "testdata/mystery.csv"}, 2, "-type \"contacts\" is not an import type; valid types: following, muting, blocking, domain_blocking, bookmarks, lists, followers\n"},
		{"missing file", []string{"testdata/nope.csv"}, 1, "no such file"},
		{"no file", []string{"-json"}, 2, "csv-inspect: expected one FILE, got 0\nRun 'csv-inspect -h' for usage.\n"},
		{"two files", []string{"testdata/lists.csv", "testdata/lists.csv"}, 2, "expected one FILE, got 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			code := run(tt.args, &stdout, &stderr)
			if code != tt.code {
				t.Errorf("exit %d, want %d", code, tt.code)
			}
			if !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("stderr %q lacks %q", stderr.String(), tt.stderr)
			}
			if tt.code == 1 && strings.Count(strings.TrimSpace(stderr.String()), "\n") != 0 {
				t.Errorf("stderr is not one line: %q", stderr.String())
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout: %q", stdout.String())
			}
		})
	}
}

func TestSummary(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	if code := run([]string{"testdata/following_accounts.csv"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	want := `following_accounts.csv: following file with a header: 2 rows, 1 bad row
type guessed: the header has "Show boosts"
  {"account":"alice@social.example","languages":["de","en"],"notify":false,"showBoosts":true}
  {"account":"bob@other.example","languages":null,"notify":true,"showBoosts":false}
error: line 5: invalid account address "not an address"
`
	if diff := cmp.Diff(want, stdout.String()); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
}

// writeTemp writes a file of the given name and content in a new folder
// and returns its path.
func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
