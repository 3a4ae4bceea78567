package render_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/fediport/fediport/archive"
)

// TestRealArchivesValidateAndRender reads every archive form of the real
// fixtures (archive/testdata, copied from ../shared/fixtures: see
// ORIGIN.md there) with archive.Open, Validate and both renderers, and
// checks that the three agree with what the files hold.
func TestRealArchivesValidateAndRender(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, path                    string
		format                        archive.Format
		creates, announces, withMedia int
		likes, mediaFiles, missing    int
		sitePages, months             int
	}{
		{"2023 zip", "../testdata/mastodon-2023-07-zip.zip", archive.FormatZIP, 18, 0, 1, 3, 1, 0, 1, 7},
		{"2022 tar.gz", "../testdata/mastodon-2022-12-targz.tar.gz", archive.FormatTarGz, 190, 34, 8, 147, 0, 8, 3, 7},
		{"bare outbox", "../testdata/outbox-small-signed.json", archive.FormatOutbox, 2, 0, 0, 0, 0, 0, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := openArchive(t, tt.path)
			rep := r.Validate()
			if rep.Format != tt.format || rep.Creates != tt.creates || rep.Announces != tt.announces ||
				rep.WithMedia != tt.withMedia || rep.Likes != tt.likes || rep.MediaFiles != tt.mediaFiles ||
				len(rep.MissingMedia) != tt.missing || len(rep.UnknownItems) != 0 {
				t.Errorf("Validate: format %s, %d creates, %d announces, %d with media, %d likes, %d media files, %d missing, %d unknown; want %s, %d, %d, %d, %d, %d, %d, 0",
					rep.Format, rep.Creates, rep.Announces, rep.WithMedia, rep.Likes, rep.MediaFiles, len(rep.MissingMedia), len(rep.UnknownItems),
					tt.format, tt.creates, tt.announces, tt.withMedia, tt.likes, tt.mediaFiles, tt.missing)
			}
			if len(rep.Errors) != 0 || rep.Incomplete != nil {
				t.Errorf("Validate errors %v, incomplete %v", rep.Errors, rep.Incomplete)
			}
			for _, format := range []outFormat{formatHTML, formatMarkdown} {
				c := config{Format: format}
				sum, err := c.Render(context.Background(), r, filepath.Join(t.TempDir(), "out"))
				if err != nil {
					t.Fatalf("%s: %v", format, err)
				}
				pages := tt.sitePages
				if format == formatMarkdown {
					pages = tt.months // one file a month
				}
				if sum.Posts != rep.Creates || sum.Boosts != rep.Announces || sum.Likes != rep.Likes ||
					sum.Media != tt.mediaFiles || sum.Missing != tt.missing || sum.Skipped != 0 ||
					sum.Months != tt.months || sum.Pages != pages {
					t.Errorf("%s: %d posts, %d boosts, %d likes, %d media, %d missing, %d skipped, %d months, %d pages; want %d, %d, %d, %d, %d, 0, %d, %d",
						format, sum.Posts, sum.Boosts, sum.Likes, sum.Media, sum.Missing, sum.Skipped, sum.Months, sum.Pages,
						tt.creates, tt.announces, tt.likes, tt.mediaFiles, tt.missing, tt.months, pages)
				}
			}
		})
	}
}
