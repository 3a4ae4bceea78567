package activitypub

import (
	"encoding/json"
	"errors"
	"time"
)

// MaxDocumentBytes is the largest actor or activity document [ParseActor]
// and [ParseMove] accept: 1 MiB, the size Mastodon caps fetched documents
// and inbox bodies at.
const MaxDocumentBytes = 1 << 20

// Actor is an actor document as Mastodon, GoToSocial and their peers serve
// it: the ActivityStreams actor plus the extensions account migration and
// export need (alsoKnownAs, movedTo, publicKey, endpoints.sharedInbox and
// the rest).
//
// Decoding keeps every member of the document in [Actor.Members], known or
// not, so that encoding a decoded actor loses nothing: unknown members are
// written back as they were, and known members whose typed field was not
// changed keep their original bytes. A known member whose value has a
// shape the typed field cannot hold (an object where a string belongs, say)
// leaves the field unset and is kept as it was. A member named twice is
// read once, its last value counting, and written once; but a document
// that repeats a security-relevant member (id, type, movedTo,
// alsoKnownAs, publicKey, or a key's id, owner or publicKeyPem), even in
// another case, is refused with a *[DuplicateMemberError], since readers
// disagree on which value counts.
//
// Package [github.com/fediport/fediport/activitypub/goap] converts an
// Actor to and from go-ap's vocabulary.
type Actor struct {
	// Context is the "@context" member as raw JSON, kept as it was read.
	// An actor built from scratch sets it, usually to Mastodon's
	// [ActorContext].
	Context json.RawMessage

	ID                string
	Type              string // Person, Service (bots), Group, Application, Organization
	PreferredUsername string
	Name              string // display name, plain text
	Summary           string // bio, HTML
	URL               string // profile page

	Inbox        string
	Outbox       string
	Followers    string
	Following    string
	Featured     string
	FeaturedTags string
	Endpoints    *Endpoints

	PublicKey *PublicKey

	ManuallyApprovesFollowers bool // the account is locked
	Discoverable              bool
	Indexable                 bool
	Memorial                  bool
	Suspended                 bool

	Published time.Time

	// MovedTo is the actor URI the account moved to: it is a redirect.
	MovedTo string
	// AlsoKnownAs lists the actor URIs of the account's aliases: accounts
	// allowed to move here. It is decoded from a string or an array.
	AlsoKnownAs []string

	// Icon is the avatar, Image the header.
	Icon  *Image
	Image *Image

	// Attachment holds the profile fields (PropertyValue) and any other
	// attachments the document has.
	Attachment []Field

	// Webfinger is the account's canonical WebFinger address
	// (user@domain), which Mastodon 4.6 and later publish.
	Webfinger string

	// Likes and Bookmarks are set in archives' actor.json only:
	// "likes.json" and "bookmarks.json".
	Likes     string
	Bookmarks string

	// Members holds every member of the decoded document, in order, as it
	// was. It is empty for actors that were not decoded. See [Actor].
	Members []Member
}

// Endpoints is an actor's "endpoints" object.
type Endpoints struct {
	SharedInbox string
	// Members holds every member as decoded; see [Actor].
	Members []Member
}

// PublicKey is an actor's "publicKey": the key that verifies the actor's
// HTTP signatures.
type PublicKey struct {
	ID           string // the key id, which need not end in "#main-key"
	Owner        string // the actor that owns the key
	PublicKeyPem string
	// Members holds every member as decoded; see [Actor].
	Members []Member
}

// Image is an avatar or header image.
type Image struct {
	Type      string // "Image"
	MediaType string
	URL       string
	Name      string // alt text, which GoToSocial sends
	// Members holds every member as decoded; see [Actor].
	Members []Member
}

// Field is one entry of an actor's "attachment": a profile field when
// Type is "PropertyValue" (Name and Value, the value being HTML).
type Field struct {
	Type  string
	Name  string
	Value string
	// Members holds every member as decoded; see [Actor].
	Members []Member
}

var actorFields = []field[Actor]{
	rawField("@context", func(a *Actor) *json.RawMessage { return &a.Context }),
	unique(stringField("id", func(a *Actor) *string { return &a.ID })),
	unique(stringField("type", func(a *Actor) *string { return &a.Type })),
	stringField("following", func(a *Actor) *string { return &a.Following }),
	stringField("followers", func(a *Actor) *string { return &a.Followers }),
	stringField("inbox", func(a *Actor) *string { return &a.Inbox }),
	stringField("outbox", func(a *Actor) *string { return &a.Outbox }),
	stringField("featured", func(a *Actor) *string { return &a.Featured }),
	stringField("featuredTags", func(a *Actor) *string { return &a.FeaturedTags }),
	stringField("preferredUsername", func(a *Actor) *string { return &a.PreferredUsername }),
	stringField("name", func(a *Actor) *string { return &a.Name }),
	stringField("summary", func(a *Actor) *string { return &a.Summary }),
	stringField("url", func(a *Actor) *string { return &a.URL }),
	boolField("manuallyApprovesFollowers", func(a *Actor) *bool { return &a.ManuallyApprovesFollowers }),
	boolField("discoverable", func(a *Actor) *bool { return &a.Discoverable }),
	boolField("indexable", func(a *Actor) *bool { return &a.Indexable }),
	boolField("memorial", func(a *Actor) *bool { return &a.Memorial }),
	boolField("suspended", func(a *Actor) *bool { return &a.Suspended }),
	timeField("published", func(a *Actor) *time.Time { return &a.Published }),
	unique(stringField("movedTo", func(a *Actor) *string { return &a.MovedTo })),
	unique(stringsField("alsoKnownAs", func(a *Actor) *[]string { return &a.AlsoKnownAs })),
	unique(objectField[Actor, PublicKey]("publicKey", func(a *Actor) **PublicKey { return &a.PublicKey })),
	attachmentField,
	objectField[Actor, Endpoints]("endpoints", func(a *Actor) **Endpoints { return &a.Endpoints }),
	objectField[Actor, Image]("icon", func(a *Actor) **Image { return &a.Icon }),
	objectField[Actor, Image]("image", func(a *Actor) **Image { return &a.Image }),
	stringField("webfinger", func(a *Actor) *string { return &a.Webfinger }),
	stringField("likes", func(a *Actor) *string { return &a.Likes }),
	stringField("bookmarks", func(a *Actor) *string { return &a.Bookmarks }),
}

var attachmentField = field[Actor]{
	name: "attachment",
	decode: func(a *Actor, raw json.RawMessage) error {
		if isNull(raw) {
			a.Attachment = nil
			return nil
		}
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			// A single object stands for a one-element array.
			items = []json.RawMessage{raw}
		}
		fields := make([]Field, 0, len(items))
		for _, it := range items {
			var f Field
			if err := f.UnmarshalJSON(it); err != nil {
				return err
			}
			fields = append(fields, f)
		}
		a.Attachment = fields
		return nil
	},
	decodeValid: func(a *Actor, raw json.RawMessage) error {
		if isNull(raw) {
			a.Attachment = nil
			return nil
		}
		items := splitArray(raw)
		if items == nil {
			// A single object stands for a one-element array.
			items = []json.RawMessage{raw}
		}
		fields := make([]Field, len(items))
		for i, it := range items {
			if err := fields[i].decodeValid(it); err != nil {
				return err
			}
		}
		a.Attachment = fields
		return nil
	},
	encode: func(a *Actor) (json.RawMessage, error) {
		if a.Attachment == nil {
			return nil, nil
		}
		out := []byte{'['}
		for i := range a.Attachment {
			if i > 0 {
				out = append(out, ',')
			}
			b, err := a.Attachment[i].MarshalJSON()
			if err != nil {
				return nil, err
			}
			out = append(out, b...)
		}
		return append(out, ']'), nil
	},
}

var endpointsFields = []field[Endpoints]{
	stringField("sharedInbox", func(e *Endpoints) *string { return &e.SharedInbox }),
}

var publicKeyFields = []field[PublicKey]{
	unique(stringField("id", func(k *PublicKey) *string { return &k.ID })),
	unique(stringField("owner", func(k *PublicKey) *string { return &k.Owner })),
	unique(stringField("publicKeyPem", func(k *PublicKey) *string { return &k.PublicKeyPem })),
}

var imageFields = []field[Image]{
	stringField("type", func(i *Image) *string { return &i.Type }),
	stringField("mediaType", func(i *Image) *string { return &i.MediaType }),
	stringField("url", func(i *Image) *string { return &i.URL }),
	stringField("name", func(i *Image) *string { return &i.Name }),
}

var fieldFields = []field[Field]{
	stringField("type", func(f *Field) *string { return &f.Type }),
	stringField("name", func(f *Field) *string { return &f.Name }),
	stringField("value", func(f *Field) *string { return &f.Value }),
}

// ParseActor decodes an actor document. It fails when data is larger than
// [MaxDocumentBytes], is not one JSON object, or repeats a security-relevant
// member ([DuplicateMemberError]), and returns a *[DocumentError].
// It does not check that the document is a valid actor: see [Actor.Check].
func ParseActor(data []byte) (*Actor, error) {
	if len(data) > MaxDocumentBytes {
		return nil, &DocumentError{Kind: "actor", Reason: DocumentTooLarge}
	}
	a := new(Actor)
	if err := a.UnmarshalJSON(data); err != nil {
		return nil, &DocumentError{Kind: "actor", Reason: DocumentMalformed, Err: err}
	}
	return a, nil
}

// Check reports whether a is usable as an actor: it has an absolute id,
// an inbox, and, when it has a public key, a key whose owner is the actor.
func (a *Actor) Check() error {
	switch {
	case a.ID == "":
		return &DocumentError{Kind: "actor", Reason: DocumentMalformed, Err: errors.New("no id")}
	case !isAbsoluteURL(a.ID):
		return &DocumentError{Kind: "actor", ID: a.ID, Reason: DocumentMalformed, Err: errors.New("id is not an absolute URL")}
	case a.Inbox == "":
		return &DocumentError{Kind: "actor", ID: a.ID, Reason: DocumentMalformed, Err: errors.New("no inbox")}
	case a.PublicKey != nil && a.PublicKey.Owner != "" && a.PublicKey.Owner != a.ID:
		return &DocumentError{Kind: "actor", ID: a.ID, Reason: DocumentKeyOwner}
	}
	return nil
}

// SharedInbox returns the actor's shared inbox when it has one, else its
// own inbox: where deliveries to the actor's server should go.
func (a *Actor) SharedInbox() string {
	if a.Endpoints != nil && a.Endpoints.SharedInbox != "" {
		return a.Endpoints.SharedInbox
	}
	return a.Inbox
}

// HasAlias reports whether the actor lists id in alsoKnownAs, compared
// exactly, as Mastodon does.
func (a *Actor) HasAlias(id string) bool {
	for _, aka := range a.AlsoKnownAs {
		if aka == id {
			return true
		}
	}
	return false
}

// UnmarshalJSON decodes an actor document, keeping every member.
func (a *Actor) UnmarshalJSON(data []byte) error {
	*a = Actor{}
	members, err := decodeObject(data, a, actorFields)
	a.Members = members
	return err
}

// MarshalJSON encodes the actor. See [Actor] for what is kept.
func (a *Actor) MarshalJSON() ([]byte, error) {
	return encodeObject(a, actorFields, a.Members)
}

// UnmarshalJSON decodes the object, keeping every member.
func (e *Endpoints) UnmarshalJSON(data []byte) error {
	*e = Endpoints{}
	members, err := decodeObject(data, e, endpointsFields)
	e.Members = members
	return err
}

func (e *Endpoints) decodeValid(data []byte) error {
	*e = Endpoints{}
	members, err := decodeValidObject(data, e, endpointsFields)
	e.Members = members
	return err
}

// MarshalJSON encodes the object, keeping unknown members.
func (e *Endpoints) MarshalJSON() ([]byte, error) {
	return encodeObject(e, endpointsFields, e.Members)
}

// UnmarshalJSON decodes the object, keeping every member.
func (k *PublicKey) UnmarshalJSON(data []byte) error {
	*k = PublicKey{}
	members, err := decodeObject(data, k, publicKeyFields)
	k.Members = members
	return err
}

func (k *PublicKey) decodeValid(data []byte) error {
	*k = PublicKey{}
	members, err := decodeValidObject(data, k, publicKeyFields)
	k.Members = members
	return err
}

// MarshalJSON encodes the object, keeping unknown members.
func (k *PublicKey) MarshalJSON() ([]byte, error) {
	return encodeObject(k, publicKeyFields, k.Members)
}

// UnmarshalJSON decodes the object, keeping every member.
func (i *Image) UnmarshalJSON(data []byte) error {
	*i = Image{}
	members, err := decodeObject(data, i, imageFields)
	i.Members = members
	return err
}

func (i *Image) decodeValid(data []byte) error {
	*i = Image{}
	members, err := decodeValidObject(data, i, imageFields)
	i.Members = members
	return err
}

// MarshalJSON encodes the object, keeping unknown members.
func (i *Image) MarshalJSON() ([]byte, error) {
	return encodeObject(i, imageFields, i.Members)
}

// UnmarshalJSON decodes the object, keeping every member.
func (f *Field) UnmarshalJSON(data []byte) error {
	*f = Field{}
	members, err := decodeObject(data, f, fieldFields)
	f.Members = members
	return err
}

func (f *Field) decodeValid(data []byte) error {
	*f = Field{}
	members, err := decodeValidObject(data, f, fieldFields)
	f.Members = members
	return err
}

// MarshalJSON encodes the object, keeping unknown members.
func (f *Field) MarshalJSON() ([]byte, error) {
	return encodeObject(f, fieldFields, f.Members)
}
