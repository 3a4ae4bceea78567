//go:build unix

package render_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// umask returns the process's file mode creation mask, found by
// creating a file with every permission.
func umask(t *testing.T) fs.FileMode {
	t.Helper()
	p := filepath.Join(t.TempDir(), "probe")
	f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY, 0o777)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return 0o777 &^ st.Mode().Perm()
}

func TestRenderOutputModes(t *testing.T) {
	t.Parallel()
	mask := umask(t)
	src := writeTricky(t, t.TempDir())
	tests := []struct {
		name            string
		config          config
		file, dir       fs.FileMode
		plantedReadable bool // a file planted with 0644 and replaced
		reason          string
	}{
		{"html private", config{}, 0o600, 0o700, false, "direct and followers-only posts stay the owner's"},
		{"markdown private", config{Format: formatMarkdown}, 0o600, 0o700, false, "the same for Markdown"},
		{"force private", config{Force: true}, 0o600, 0o700, true, "a readable file replaced loses group and other access"},
		{"world readable", config{WorldReadable: true}, 0o644 &^ mask, 0o755 &^ mask, false, "a site to publish"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out := filepath.Join(t.TempDir(), "site")
			if tt.plantedReadable {
				if err := os.Mkdir(out, 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(out, "index.html"), []byte("old"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := tt.config.Render(context.Background(), openArchive(t, src), out); err != nil {
				t.Fatal(err)
			}
			got := map[string]fs.FileMode{}
			want := map[string]fs.FileMode{}
			err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				info, err := d.Info()
				if err != nil {
					return err
				}
				rel, _ := filepath.Rel(out, p)
				got[rel] = info.Mode().Perm()
				want[rel] = tt.file
				if d.IsDir() {
					want[rel] = tt.dir
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) < 10 {
				t.Fatalf("only %d files written", len(got))
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s: modes (-want +got):\n%s", tt.reason, diff)
			}
		})
	}
}
