package export_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fediport/fediport/export"
)

// sourcesOf fills the Sources from the interfaces v implements, for
// tests whose sources implement several. (Hosts set each field; the
// compiler then checks every method: see TestSourcesAreCompilerChecked.)
func sourcesOf(v any) export.Sources {
	var s export.Sources
	s.Actor, _ = v.(export.ActorSource)
	s.Statuses, _ = v.(export.StatusSource)
	s.Media, _ = v.(export.MediaSource)
	s.Images, _ = v.(export.ImageSource)
	s.Likes, _ = v.(export.LikeSource)
	s.Bookmarks, _ = v.(export.BookmarkSource)
	s.Follows, _ = v.(export.FollowSource)
	s.Followers, _ = v.(export.FollowerSource)
	s.Mutes, _ = v.(export.MuteSource)
	s.Blocks, _ = v.(export.BlockSource)
	s.DomainBlocks, _ = v.(export.DomainBlockSource)
	s.Lists, _ = v.(export.ListSource)
	return s
}

// writeDir runs e.WriteDir over the sources v implements.
func writeDir(ctx context.Context, dir string, v any, e export.Exporter) (*export.Result, error) {
	return e.WriteDir(ctx, dir, sourcesOf(v))
}

// writeBundle runs e.WriteBundle over the sources v implements.
func writeBundle(ctx context.Context, w io.Writer, v any, e export.Exporter) (*export.Result, error) {
	return e.WriteBundle(ctx, w, sourcesOf(v))
}

// writeBundleFile runs e.WriteBundleFile over the sources v implements.
func writeBundleFile(ctx context.Context, path string, v any, e export.Exporter) (*export.Result, error) {
	return e.WriteBundleFile(ctx, path, sourcesOf(v))
}

// typoSource is a host's source whose method name is mistyped: Status
// for Statuses. Before Sources, the export found its sources by type
// assertion and silently left such a part out.
const typoSource = `package typo

import (
	"context"
	"iter"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/archive"
	"github.com/fediport/fediport/export"
)

type host struct{}

func (host) Actor(context.Context) (*activitypub.Actor, error) { return nil, nil }

func (host) Status(context.Context) iter.Seq2[*archive.Status, error] { return nil }

var _ = export.Sources{Actor: host{}, Statuses: host{}}
`

// TestSourcesAreCompilerChecked builds a package whose source mistypes
// a method name and checks that the compiler refuses it, naming the
// method, where the old type assertion dropped the statuses silently.
func TestSourcesAreCompilerChecked(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a package with the go command; skipped with -short")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command in PATH: cannot build the mistyped source")
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	file := filepath.Join(tmp, "typo.go")
	if err := os.WriteFile(file, []byte(typoSource), 0o600); err != nil {
		t.Fatal(err)
	}
	// The overlay puts the file in a package of this module without
	// writing into the source tree.
	overlay, err := json.Marshal(map[string]any{"Replace": map[string]string{filepath.Join(wd, "internal", "typotest", "typo.go"): file}})
	if err != nil {
		t.Fatal(err)
	}
	overlayFile := filepath.Join(tmp, "overlay.json")
	if err := os.WriteFile(overlayFile, overlay, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goTool, "build", "-overlay", overlayFile, "./internal/typotest")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatal("a source with a mistyped method name compiled")
	}
	t.Logf("go build: %s", out)
	if want := "missing method Statuses"; !strings.Contains(string(out), want) {
		t.Errorf("go build failed without %q:\n%s", want, out)
	}
}

func TestNoActorSource(t *testing.T) {
	t.Parallel()
	var e export.Exporter
	src := fullSource()
	_, err := e.WriteBundle(context.Background(), io.Discard, export.Sources{Statuses: src, Follows: src})
	if !errors.Is(err, export.ErrInvalidActor) {
		t.Errorf("Sources without Actor: %v, want ErrInvalidActor", err)
	}
}

// TestOneAtomicWriter checks that export's code, and archive's that it
// writes through, replace files only through internal/atomicfile: no
// rename or sync of their own, whose durability would differ (archive's
// writer never synced the folder; export ignored the error syncing it).
func TestOneAtomicWriter(t *testing.T) {
	t.Parallel()
	var files []string
	for _, pattern := range []string{"*.go", "../archive/*.go"} {
		m, err := filepath.Glob(pattern)
		if err != nil || len(m) == 0 {
			t.Fatalf("no files match %s: %v", pattern, err)
		}
		files = append(files, m...)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, call := range []string{"os.Rename(", ".Sync()"} {
			if strings.Contains(string(b), call) {
				t.Errorf("%s calls %s: replace files through internal/atomicfile", f, call)
			}
		}
	}
}
