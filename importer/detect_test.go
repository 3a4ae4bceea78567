package importer_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/fediport/fediport/importer"
)

func TestDetectType(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, head, file string
		want             importer.Type
	}{
		{"mutes header", "Account address,Hide notifications\nbob@x.example,true\n", "export.csv", importer.Muting},
		{"mutes header beats a follows file name", "Account address,Hide notifications\n", "following_accounts.csv", importer.Muting},
		{"follows header", "Account address,Show boosts,Notify on new posts,Languages\n", "", importer.Following},
		{"3.x follows header", "\uFEFFAccount address,Show boosts\r\n", "", importer.Following},
		{"languages alone", "Account address,Languages\n", "", importer.Following},
		{"admin domain blocks", "#domain,#severity\nspam.example,suspend\n", "", importer.DomainBlocking},
		{"uri header", "#uri\nhttps://x.example/s/1\n", "", importer.Bookmarks},
		{"lists header", "List name,Account address\n", "", importer.Lists},
		{"blocks by file name", "bob@x.example\n", "blocked_accounts.csv", importer.Blocking},
		{"blocks by Mastodon's short name", "bob@x.example\n", "blocks.csv", importer.Blocking},
		{"file name in a path, any case", "bob@x.example\n", `C:\Users\me\Downloads\Muted_Accounts (1).csv`, importer.Muting},
		{"failures file", "bob@x.example\n", "following_accounts_failures.csv", importer.Following},
		{"GoToSocial's follows export, no header", "bob@x.example\n", "following.csv", importer.Following},
		{"domain blocks by name", "spam.example\n", "blocked_domains.csv", importer.DomainBlocking},
		{"followers by name", "Account address\nbob@x.example\n", "followers.csv", importer.Followers},
		{"bookmark content", "\n\nhttps://x.example/users/bob/statuses/1\n", "", importer.Bookmarks},
		{"list content", "Friends,bob@x.example\n", "", importer.Lists},
		{"domain content", "spam.example\n", "", importer.DomainBlocking},
		{"accounts alone are ambiguous", "bob@x.example\neve@y.example\n", "", ""},
		{"account header alone is ambiguous", "Account address\nbob@x.example\n", "mine.csv", ""},
		{"empty", "", "", ""},
		{"quote not closed within head", "\"Friends,bob@x.example", "", importer.Lists},
		{"two accounts are not a list", "bob@x.example,eve@y.example\n", "", ""},
		{"a 3.x follows row without header is not a list", "bob@x.example,true\n", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, reason := importer.DetectType([]byte(tt.head), tt.file)
			if got != tt.want {
				t.Errorf("DetectType = %q (%s), want %q", got, reason, tt.want)
			}
			if got != "" && reason == "" {
				t.Error("a guess without a reason")
			}
		})
	}
}

func TestCheckType(t *testing.T) {
	t.Parallel()
	head, err := os.ReadFile(filepath.Join("testdata/csv/gotosocial/following_accounts.csv"))
	if err != nil {
		t.Fatal(err)
	}
	// The classic mistake: a follows export imported as blocks.
	err = importer.CheckType(importer.Blocking, head, "following_accounts.csv")
	var me *importer.MismatchError
	if !errors.As(err, &me) || !errors.Is(err, importer.ErrTypeMismatch) {
		t.Fatalf("err = %v, want a *MismatchError", err)
	}
	if me.Chosen != importer.Blocking || me.Guessed != importer.Following {
		t.Errorf("mismatch = %+v", me)
	}
	if err := importer.CheckType(importer.Following, head, "following_accounts.csv"); err != nil {
		t.Errorf("matching type: %v", err)
	}
	if err := importer.CheckType(importer.Muting, []byte("bob@x.example\n"), "mine.csv"); err != nil {
		t.Errorf("no guess: %v", err)
	}
}
