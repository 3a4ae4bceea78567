package migrate

import (
	"fmt"
	"strings"
)

// Goal is what a user wants from a migration; [Steps] turns it into
// steps.
type Goal int

// The goals of the decision guide, the three scenarios of fediport's
// source article.
const (
	// LeaveForGood: keep a copy of everything and close the account;
	// nothing is moved.
	LeaveForGood Goal = iota + 1
	// MoveServer: move to an account on another server, followers
	// included.
	MoveServer
	// FreshStart: start a new account on the same server; followers are
	// moved at once, with no federation.
	FreshStart
)

var goalNames = map[Goal]string{LeaveForGood: "leave", MoveServer: "move", FreshStart: "same-server"}

// String returns the goal's name: "leave", "move" or "same-server".
func (g Goal) String() string {
	if s, ok := goalNames[g]; ok {
		return s
	}
	return fmt.Sprintf("Goal(%d)", int(g))
}

// ParseGoal parses a goal's name as [Goal.String] writes it. It fails
// with an error wrapping [ErrUnknownGoal].
func ParseGoal(s string) (Goal, error) {
	for g, name := range goalNames {
		if strings.EqualFold(s, name) {
			return g, nil
		}
	}
	return 0, fmt.Errorf("%w %q (want leave, move or same-server)", ErrUnknownGoal, s)
}

// StepKind names what a [Step] does, for programs that carry the steps
// out.
type StepKind string

// The kinds of step of the decision guide.
const (
	StepExport      StepKind = "export"       // download the archive and the CSV lists
	StepCreate      StepKind = "create"       // create the new account
	StepAlias       StepKind = "alias"        // add the old account as an alias of the new one
	StepPreflight   StepKind = "preflight"    // run the pre-flight check
	StepCopyProfile StepKind = "copy-profile" // copy display name, bio and more to the new account
	StepMove        StepKind = "move"         // send the Move from the old account
	StepMoveLocal   StepKind = "move-local"   // move followers within the server
	StepImport      StepKind = "import"       // import follows, lists, blocks, mutes, domain blocks, bookmarks
	StepDelete      StepKind = "delete"       // delete or keep the old account
)

// Step is one step of a plan.
type Step struct {
	Kind     StepKind
	Title    string // short, imperative
	Detail   string // why, and what it does and does not carry over
	Optional bool
}

// Steps returns the ordered steps that reach goal, the source article's
// advice as rules (fediport's FORMATS, section 6): leaving for good is an
// export only; moving to another server is export, then migrate, then
// import; a fresh start on the same server is a migration, instant and
// without federation, with an optional export. Each call returns a new
// slice. It fails with an error wrapping [ErrUnknownGoal].
func Steps(goal Goal) ([]Step, error) {
	export := Step{StepExport, "Export your data",
		"Request the archive (posts, media, likes, bookmarks) and download the CSV lists (follows, lists, blocks, mutes, domain blocks, bookmarks). Direct messages are left out unless asked for.", false}
	switch goal {
	case LeaveForGood:
		return []Step{
			export,
			{StepDelete, "Delete the account, or leave it as it is",
				"Nothing is moved: followers are not told where you went. Keep the archive; it is the only copy.", true},
		}, nil
	case MoveServer:
		return []Step{
			export,
			{StepCreate, "Create the new account on the other server", "", false},
			{StepAlias, "Add the old account as an alias of the new one",
				"On the new account, add the old account's address; its actor URI is stored in alsoKnownAs, proving you own both.", false},
			{StepPreflight, "Check that everything is ready",
				"Both accounts resolve, the alias is visible, neither is suspended, and the old account has not moved in the last 30 days.", false},
			{StepCopyProfile, "Copy the profile",
				"Display name and bio, and optionally avatar, header and profile fields. Mastodon does not do this; fediport does it on request.", true},
			{StepMove, "Move the old account",
				"The old account redirects to the new one and sends a Move: followers' servers re-follow the new account. Posts, likes and bookmarks do not move.", false},
			{StepImport, "Import on the new account",
				"Import follows, lists, blocks, mutes, domain blocks and bookmarks from the CSV lists. Followers are not imported: they followed you through the Move.", false},
		}, nil
	case FreshStart:
		optionalExport := export
		optionalExport.Optional = true
		return []Step{
			{StepCreate, "Create the new account on the same server", "", false},
			{StepAlias, "Add the old account as an alias of the new one", "", false},
			{StepCopyProfile, "Copy the profile", "Display name and bio, and optionally more.", true},
			{StepMoveLocal, "Move the old account",
				"Both accounts live on one server: followers are moved at once, with no federation; blocks and mutes of the old account carry over.", false},
			optionalExport,
		}, nil
	}
	return nil, fmt.Errorf("%w %d", ErrUnknownGoal, int(goal))
}
