package archive

import (
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/fediport/fediport/activitypub"
)

// Visibility is who can see a status, derived from its addressing as
// Mastodon does.
type Visibility string

// The four visibilities Mastodon archives hold.
const (
	// Public: the public collection is in "to".
	Public Visibility = "public"
	// Unlisted: the public collection is in "cc" only.
	Unlisted Visibility = "unlisted"
	// Private: followers only (a followers collection, no public).
	Private Visibility = "private"
	// Direct: only the mentioned actors.
	Direct Visibility = "direct"
)

// Status is one item of the outbox: a post (a Create of a Note or a
// Question) or a boost (an Announce). Fields that belong to the post
// (content, attachments, poll, ...) are set for a Create, and for a boost
// whose object is inline (a self-boost of a followers-only post); for a
// boost of a bare URI, ID is that URI and Type is empty.
//
// Raw keeps the item's JSON as it was in the archive, for anything the
// typed fields leave out; a [Writer] writes the typed fields and then the
// members of Raw it does not know, so nothing is lost.
type Status struct {
	// Index is the item's position in orderedItems; Offset is the byte
	// offset of the item in outbox.json. Both are -1 for statuses not
	// read from an archive.
	Index  int
	Offset int64

	// Activity is the activity type: "Create", "Announce" or another.
	Activity string
	// ActivityID is the activity's id (Mastodon: "<status uri>/activity").
	ActivityID string
	// Actor is the account that made the activity.
	Actor string

	// Type is the object's type: "Note", "Question" (a poll), or another
	// ("Object" for an inline object without a type); empty when the
	// object is a bare URI.
	Type string
	// ID is the status URI: the object's id, or for a boost the boosted
	// status's URI.
	ID  string
	URL string
	// AttributedTo is the status's author.
	AttributedTo string
	// Published is the object's publication time, falling back to the
	// activity's. Updated is set when the status was edited.
	Published time.Time
	Updated   time.Time

	// Summary is the content warning ("" when none); Sensitive marks the
	// media as sensitive.
	Summary   string
	Sensitive bool
	// Content is the status's HTML.
	Content string
	// Language is the key of contentMap as the archive has it ("en",
	// "zhCn", ...), or "" when there is no contentMap.
	Language string

	// To and Cc are the object's addressing, each falling back to the
	// activity's when the object lacks it; Visibility is derived from
	// them.
	To         []string
	Cc         []string
	Visibility Visibility

	InReplyTo    string
	Conversation string

	Mentions []Tag
	Hashtags []Tag
	Emoji    []Emoji
	// OtherTags keeps tags of other types as they were.
	OtherTags []json.RawMessage

	Attachments []Attachment
	// Poll is set for a Question.
	Poll *Poll

	// Raw is the item's JSON as read; nil for statuses built in code.
	Raw json.RawMessage
}

// IsBoost reports whether the item is an Announce.
func (s *Status) IsBoost() bool { return s.Activity == "Announce" }

// IsReply reports whether the status replies to another.
func (s *Status) IsReply() bool { return s.InReplyTo != "" }

// Media returns the attachments that are media files, leaving out link
// previews.
func (s *Status) Media() []Attachment {
	var m []Attachment
	for _, a := range s.Attachments {
		if !a.IsLink() {
			m = append(m, a)
		}
	}
	return m
}

// Tag is a Mention or a Hashtag: Name is "@user@host" or "#tag", Href the
// actor or the tag page.
type Tag struct {
	Type string
	Name string
	Href string
}

// Emoji is a custom emoji used in a status.
type Emoji struct {
	ID        string
	Name      string // ":shortcode:"
	IconURL   string
	MediaType string
	Updated   time.Time
}

// Attachment is a media file of a status, or, when Type is "Link", a
// link preview that has no file (Mastodon 4.7+).
type Attachment struct {
	Type      string // Document, Image, Video, Audio, or Link
	MediaType string
	// URL is the attachment's url as written; for a Link, its href.
	URL string
	// Name is the alt text.
	Name       string
	Blurhash   string
	FocalPoint *[2]float64
	Width      int
	Height     int
	// Path is the archive entry URL names, found by its suffix from
	// "media_attachments/"; "" for a link preview or a URL that names no
	// entry. The entry may still be missing: see [Reader.OpenMedia].
	Path string
}

// IsLink reports whether the attachment is a link preview, not media.
func (a *Attachment) IsLink() bool { return a.Type == "Link" }

// Poll is the poll of a Question.
type Poll struct {
	// Multiple is true for anyOf (several choices allowed), false for
	// oneOf.
	Multiple bool
	Options  []PollOption
	EndTime  time.Time
	// Closed is when the poll closed; zero while open. A "closed": true
	// without a time gives EndTime, or the Unix epoch when that is zero.
	Closed      time.Time
	VotersCount int
}

// PollOption is one choice of a poll with its vote count.
type PollOption struct {
	Name  string
	Votes int
}

// isPublic reports whether an address is the public collection, in any
// of the spellings servers use.
func isPublic(a string) bool {
	return a == activitypub.PublicCollection || a == "as:Public" || a == "Public"
}

// VisibilityOf derives a visibility from addressing as Mastodon does:
// public when the public collection is in to, unlisted when it is in cc,
// private when a followers collection is addressed, direct otherwise.
func VisibilityOf(to, cc []string) Visibility {
	switch {
	case slices.ContainsFunc(to, isPublic):
		return Public
	case slices.ContainsFunc(cc, isPublic):
		return Unlisted
	case slices.ContainsFunc(to, isFollowers), slices.ContainsFunc(cc, isFollowers):
		return Private
	}
	return Direct
}

func isFollowers(a string) bool { return strings.HasSuffix(a, "/followers") }
