package migrate

import (
	"slices"

	"github.com/fediport/fediport/activitypub"
)

// ProfileParts is a set of the parts of a profile [CopyProfile] copies
// beyond the display name and bio, which it always copies: 0 copies those
// two only, ProfileAvatar|ProfileFields the avatar and the profile fields
// too.
type ProfileParts uint8

// The parts of a profile beyond the display name and bio.
const (
	ProfileAvatar ProfileParts = 1 << iota // the avatar (icon)
	ProfileHeader                          // the header image (image)
	ProfileFields                          // the profile fields (PropertyValue attachments)
)

// CopyProfile returns a copy of dst with the display name and bio of src,
// and the avatar, header and profile fields when parts has them, and the names
// of the members that changed ("name", "summary", "icon", "image",
// "attachment"). This is the step fediport's source article promises and
// Mastodon lacks; it is explicit and optional.
//
// Images are copied by reference: the copy points at src's server. A host
// that keeps its own media should fetch them (through a client that
// refuses private addresses) and store its own copies.
func CopyProfile(dst, src *activitypub.Actor, parts ProfileParts) (*activitypub.Actor, []string) {
	a := *dst
	var changed []string
	if a.Name != src.Name {
		a.Name = src.Name
		changed = append(changed, "name")
	}
	if a.Summary != src.Summary {
		a.Summary = src.Summary
		changed = append(changed, "summary")
	}
	if parts&ProfileAvatar != 0 && !sameImage(a.Icon, src.Icon) {
		a.Icon = cloneImage(src.Icon)
		changed = append(changed, "icon")
	}
	if parts&ProfileHeader != 0 && !sameImage(a.Image, src.Image) {
		a.Image = cloneImage(src.Image)
		changed = append(changed, "image")
	}
	if parts&ProfileFields != 0 {
		var fields []activitypub.Field
		for _, f := range dst.Attachment { // keep attachments that are not profile fields
			if f.Type != "PropertyValue" {
				fields = append(fields, f)
			}
		}
		for _, f := range src.Attachment {
			if f.Type == "PropertyValue" {
				fields = append(fields, activitypub.Field{Type: f.Type, Name: f.Name, Value: f.Value})
			}
		}
		if !slices.EqualFunc(fields, dst.Attachment, func(x, y activitypub.Field) bool {
			return x.Type == y.Type && x.Name == y.Name && x.Value == y.Value
		}) {
			a.Attachment = fields
			changed = append(changed, "attachment")
		}
	}
	return &a, changed
}

func sameImage(x, y *activitypub.Image) bool {
	if x == nil || y == nil {
		return x == y
	}
	return x.URL == y.URL && x.MediaType == y.MediaType && x.Name == y.Name
}

func cloneImage(i *activitypub.Image) *activitypub.Image {
	if i == nil {
		return nil
	}
	return &activitypub.Image{Type: i.Type, MediaType: i.MediaType, URL: i.URL, Name: i.Name}
}
