package importer

import (
	"strconv"
	"strings"
)

// Type is the kind of list an import file holds. Its string form is the
// name Mastodon uses for the import type.
type Type string

// The import types. [Followers] can be read and written but never applied:
// no account can be made to follow another.
const (
	Following      Type = "following"
	Followers      Type = "followers"
	Muting         Type = "muting"
	Blocking       Type = "blocking"
	DomainBlocking Type = "domain_blocking"
	Bookmarks      Type = "bookmarks"
	Lists          Type = "lists"
)

// Mode says what an import does with what the account already has.
type Mode int

const (
	// Merge adds what the file holds and updates what changed; nothing is
	// removed. Applying the same merge twice changes nothing the second time.
	Merge Mode = iota
	// Overwrite makes the account hold exactly what the file holds: it also
	// removes what the file lacks.
	Overwrite
)

// String returns "merge" or "overwrite".
func (m Mode) String() string {
	switch m {
	case Merge:
		return "merge"
	case Overwrite:
		return "overwrite"
	}
	return "Mode(" + strconv.Itoa(int(m)) + ")"
}

// ActionKind says what one [Action] does.
type ActionKind int

// The action kinds. Each names one call on a destination.
const (
	ActionFollow ActionKind = iota + 1
	ActionUnfollow
	ActionBlock
	ActionUnblock
	ActionMute
	ActionUnmute
	ActionBlockDomain
	ActionUnblockDomain
	ActionBookmark
	ActionUnbookmark
	ActionCreateList
	ActionDeleteList
	ActionAddToList
	ActionRemoveFromList
)

var actionNames = [...]string{
	ActionFollow:         "follow",
	ActionUnfollow:       "unfollow",
	ActionBlock:          "block",
	ActionUnblock:        "unblock",
	ActionMute:           "mute",
	ActionUnmute:         "unmute",
	ActionBlockDomain:    "block-domain",
	ActionUnblockDomain:  "unblock-domain",
	ActionBookmark:       "bookmark",
	ActionUnbookmark:     "unbookmark",
	ActionCreateList:     "create-list",
	ActionDeleteList:     "delete-list",
	ActionAddToList:      "add-to-list",
	ActionRemoveFromList: "remove-from-list",
}

// String returns the action's name, such as "follow" or "add-to-list".
func (k ActionKind) String() string {
	if k > 0 && int(k) < len(actionNames) {
		return actionNames[k]
	}
	return "ActionKind(" + strconv.Itoa(int(k)) + ")"
}

// FollowOptions are the settings of a follow. A nil field means "leave as
// is" for an existing follow and the default for a new one (show boosts,
// do not notify, all languages).
type FollowOptions struct {
	ShowBoosts *bool
	Notify     *bool
	// Languages limits the follow to posts in these ISO 639-1 languages.
	// nil means unset; an empty non-nil slice means all languages.
	Languages []string
}

// Action is one change a plan makes to an account: one call on a
// destination. Actions are plain values so a host can journal them, put
// them on its own job queue, or print them for a dry run.
type Action struct {
	Kind ActionKind
	// Account is the account the action is about, as user@domain.
	Account string
	// Domain is the domain of a domain block.
	Domain string
	// URI is the status URI of a bookmark.
	URI string
	// List is the title of a list.
	List string
	// Follow holds the follow settings of an ActionFollow.
	Follow FollowOptions
	// HideNotifications is the setting of an ActionMute; nil means the
	// default (hide).
	HideNotifications *bool
	// Line is the line of the import file the action comes from, or 0
	// for actions the plan derived (removals in overwrite mode).
	Line int
}

// Key returns a string that names the action uniquely within a plan: its
// kind and subject. The engine's journal records actions by key.
func (a Action) Key() string {
	var b strings.Builder
	b.WriteString(a.Kind.String())
	for _, s := range [...]string{a.List, a.Account, a.Domain, a.URI} {
		b.WriteByte(' ')
		b.WriteString(strconv.Quote(s))
	}
	return b.String()
}

// Plan is the ordered list of actions that brings an account from what it
// has to what an import file says. Order matters: a list is created before
// members are added to it, and a member is followed before it is added.
type Plan struct {
	Type    Type
	Mode    Mode
	Actions []Action
	// Skipped holds the rows the plan leaves out on purpose, and why:
	// rows that would make the account follow, block or mute itself (see
	// [Planner.Self]). They are not failures and are not retried.
	Skipped []SkippedRow `json:",omitempty"`
}

// SkippedRow is a row of an import file that a plan leaves out, and why.
type SkippedRow struct {
	// Line is the row's line in its file.
	Line int
	// Account is the row's account address.
	Account string
	// Detail says why, such as "the account cannot follow itself".
	Detail string
}

// Row is one data row of an import file, for every type: the fields a type
// lacks stay zero. A nil pointer or nil slice means the file has no such
// column (or the cell is empty), which Mastodon treats as "leave as is" for
// an existing entry and "default" for a new one.
type Row struct {
	// Line is the 1-based line of the row in its file.
	Line int
	// Account is user@domain (or a bare local name) for following,
	// followers, muting, blocking and lists.
	Account string
	// ShowBoosts, Notify and Languages are the follow settings.
	ShowBoosts *bool
	Notify     *bool
	Languages  []string
	// HideNotifications is the mute setting.
	HideNotifications *bool
	// Domain is the blocked domain of a domain_blocking row.
	Domain string
	// URI is the status URI of a bookmarks row.
	URI string
	// List is the list title of a lists row.
	List string
}

// List is a list an account has: its title and its members' addresses.
type List struct {
	Title   string
	Members []string
}

// State is what an account has now, as a [StateReader] reports it. Only
// the part for the type being imported needs to be filled in.
type State struct {
	// Following holds Account and the follow settings.
	Following []Row
	// Muting holds Account and HideNotifications.
	Muting []Row
	// Blocking holds blocked accounts' addresses.
	Blocking []string
	// DomainBlocking holds blocked domains.
	DomainBlocking []string
	// Bookmarks holds bookmarked status URIs.
	Bookmarks []string
	// Lists holds the account's lists.
	Lists []List
	// NoFollowLanguages says the destination keeps no per-follow
	// languages (GoToSocial): a plan then leaves a follow's languages
	// out of the comparison, since applying them would change nothing.
	NoFollowLanguages bool
	// FollowersCount is the number of accounts following the account, used
	// for the follow limit (7,500 or 1.1 x followers, whichever is more).
	FollowersCount int
}
