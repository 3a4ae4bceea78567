package archive

import (
	"bytes"
	"fmt"
	"strconv"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/fediport/fediport/activitypub"
)

// Members of an item and of its object that the typed fields cover; the
// others are copied from Status.Raw by the Writer.
var (
	knownActivity = map[string]bool{
		"id": true, "type": true, "actor": true, "published": true, "to": true, "cc": true, "object": true,
	}
	knownObject = map[string]bool{
		"id": true, "type": true, "summary": true, "inReplyTo": true, "published": true, "url": true,
		"attributedTo": true, "to": true, "cc": true, "sensitive": true, "conversation": true,
		"content": true, "contentMap": true, "updated": true, "attachment": true, "tag": true,
		"oneOf": true, "anyOf": true, "endTime": true, "closed": true, "votersCount": true,
	}
)

func appendString(b []byte, s string) []byte {
	out, err := jsontext.AppendQuote(b, s)
	if err != nil {
		// Invalid UTF-8 was replaced; out still holds a valid string.
		return out
	}
	return out
}

func appendKey(b []byte, first *bool, k string) []byte {
	if !*first {
		b = append(b, ',')
	}
	*first = false
	b = append(b, '"')
	b = append(b, k...)
	return append(b, '"', ':')
}

func appendTime(b []byte, t time.Time) []byte {
	b = append(b, '"')
	b = t.UTC().AppendFormat(b, time.RFC3339Nano)
	return append(b, '"')
}

func appendStrings(b []byte, list []string) []byte {
	b = append(b, '[')
	for i, s := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}

func appendOptString(b []byte, s string) []byte {
	if s == "" {
		return append(b, "null"...)
	}
	return appendString(b, s)
}

// addressing returns the to and cc a status is written with.
func addressing(s *Status, actorID string) (to, cc []string) {
	if s.To != nil || s.Cc != nil {
		return s.To, s.Cc
	}
	actor := s.Actor
	if actor == "" {
		actor = s.AttributedTo
	}
	if actor == "" {
		actor = actorID
	}
	followers := actor + "/followers"
	var mentions []string
	for _, m := range s.Mentions {
		mentions = append(mentions, m.Href)
	}
	switch s.Visibility {
	case Unlisted:
		return []string{followers}, append([]string{activitypub.PublicCollection}, mentions...)
	case Private:
		return []string{followers}, mentions
	case Direct:
		return mentions, []string{}
	}
	return []string{activitypub.PublicCollection}, append([]string{followers}, mentions...)
}

// appendStatus appends the JSON of one outbox item.
func appendStatus(b []byte, s *Status, actorID string) ([]byte, error) {
	activity := s.Activity
	if activity == "" {
		activity = "Create"
	}
	actor := s.Actor
	if actor == "" {
		actor = s.AttributedTo
	}
	if actor == "" {
		actor = actorID
	}
	for i, raw := range s.OtherTags {
		// They are written as they are: one that is not JSON would
		// break the whole outbox.
		if !jsontext.Value(raw).IsValid(decodeOptions) {
			return b, fmt.Errorf("archive: status %s: tag %d is not valid JSON", s.ID, i)
		}
	}
	to, cc := addressing(s, actorID)
	rawObject, extras := splitRaw(s.Raw)

	first := true
	b = append(b, '{')
	b = appendKey(b, &first, "id")
	if s.ActivityID != "" {
		b = appendString(b, s.ActivityID)
	} else {
		b = appendString(b, s.ID+"/activity")
	}
	b = appendKey(b, &first, "type")
	b = appendString(b, activity)
	b = appendKey(b, &first, "actor")
	b = appendString(b, actor)
	if !s.Published.IsZero() {
		b = appendKey(b, &first, "published")
		b = appendTime(b, s.Published)
	}
	b = appendKey(b, &first, "to")
	b = appendStrings(b, to)
	b = appendKey(b, &first, "cc")
	b = appendStrings(b, cc)
	b = appendKey(b, &first, "object")
	if s.Type == "" {
		b = appendString(b, s.ID)
	} else {
		b = appendObject(b, s, to, cc, rawObject)
	}
	b = append(b, extras...)
	return append(b, '}'), nil
}

func appendObject(b []byte, s *Status, to, cc []string, raw []byte) []byte {
	first := true
	b = append(b, '{')
	b = appendKey(b, &first, "id")
	b = appendString(b, s.ID)
	b = appendKey(b, &first, "type")
	b = appendString(b, s.Type)
	b = appendKey(b, &first, "summary")
	b = appendOptString(b, s.Summary)
	b = appendKey(b, &first, "inReplyTo")
	b = appendOptString(b, s.InReplyTo)
	if !s.Published.IsZero() {
		b = appendKey(b, &first, "published")
		b = appendTime(b, s.Published)
	}
	b = appendKey(b, &first, "url")
	b = appendOptString(b, s.URL)
	b = appendKey(b, &first, "attributedTo")
	b = appendOptString(b, s.AttributedTo)
	b = appendKey(b, &first, "to")
	b = appendStrings(b, to)
	b = appendKey(b, &first, "cc")
	b = appendStrings(b, cc)
	b = appendKey(b, &first, "sensitive")
	b = strconv.AppendBool(b, s.Sensitive)
	if s.Conversation != "" {
		b = appendKey(b, &first, "conversation")
		b = appendString(b, s.Conversation)
	}
	b = appendKey(b, &first, "content")
	b = appendString(b, s.Content)
	if s.Language != "" {
		b = appendKey(b, &first, "contentMap")
		b = append(b, '{')
		b = appendString(b, s.Language)
		b = append(b, ':')
		b = appendString(b, s.Content)
		b = append(b, '}')
	}
	if !s.Updated.IsZero() {
		b = appendKey(b, &first, "updated")
		b = appendTime(b, s.Updated)
	}
	b = appendKey(b, &first, "attachment")
	b = append(b, '[')
	for i := range s.Attachments {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendAttachment(b, &s.Attachments[i])
	}
	b = append(b, ']')
	b = appendKey(b, &first, "tag")
	b = appendTags(b, s)
	if s.Poll != nil {
		b = appendPoll(b, &first, s.Poll)
	}
	if raw != nil {
		b = appendExtras(b, raw, knownObject)
	}
	return append(b, '}')
}

// appendPoll appends the members of a Question that hold its poll:
// endTime, closed, votersCount and the options under anyOf or oneOf.
func appendPoll(b []byte, first *bool, p *Poll) []byte {
	if !p.EndTime.IsZero() {
		b = appendKey(b, first, "endTime")
		b = appendTime(b, p.EndTime)
	}
	if !p.Closed.IsZero() {
		b = appendKey(b, first, "closed")
		b = appendTime(b, p.Closed)
	}
	b = appendKey(b, first, "votersCount")
	b = strconv.AppendInt(b, int64(p.VotersCount), 10)
	if p.Multiple {
		b = appendKey(b, first, "anyOf")
	} else {
		b = appendKey(b, first, "oneOf")
	}
	b = append(b, '[')
	for i, o := range p.Options {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"type":"Note","name":`...)
		b = appendString(b, o.Name)
		b = append(b, `,"replies":{"type":"Collection","totalItems":`...)
		b = strconv.AppendInt(b, int64(o.Votes), 10)
		b = append(b, "}}"...)
	}
	b = append(b, ']')
	return b
}

func appendAttachment(b []byte, a *Attachment) []byte {
	url := a.URL
	if url == "" {
		url = a.Path
	}
	if a.IsLink() {
		b = append(b, `{"type":"Link","href":`...)
		b = appendString(b, url)
		if a.MediaType != "" {
			b = append(b, `,"mediaType":`...)
			b = appendString(b, a.MediaType)
		}
		if a.Name != "" {
			b = append(b, `,"name":`...)
			b = appendString(b, a.Name)
		}
		return append(b, '}')
	}
	typ := a.Type
	if typ == "" {
		typ = "Document"
	}
	b = append(b, `{"type":`...)
	b = appendString(b, typ)
	b = append(b, `,"mediaType":`...)
	b = appendOptString(b, a.MediaType)
	b = append(b, `,"url":`...)
	b = appendString(b, url)
	b = append(b, `,"name":`...)
	b = appendOptString(b, a.Name)
	if a.Blurhash != "" {
		b = append(b, `,"blurhash":`...)
		b = appendString(b, a.Blurhash)
	}
	if a.FocalPoint != nil {
		b = append(b, `,"focalPoint":[`...)
		b = strconv.AppendFloat(b, a.FocalPoint[0], 'g', -1, 64)
		b = append(b, ',')
		b = strconv.AppendFloat(b, a.FocalPoint[1], 'g', -1, 64)
		b = append(b, ']')
	}
	if a.Width != 0 {
		b = append(b, `,"width":`...)
		b = strconv.AppendInt(b, int64(a.Width), 10)
	}
	if a.Height != 0 {
		b = append(b, `,"height":`...)
		b = strconv.AppendInt(b, int64(a.Height), 10)
	}
	return append(b, '}')
}

func appendTags(b []byte, s *Status) []byte {
	b = append(b, '[')
	n := 0
	sep := func() {
		if n > 0 {
			b = append(b, ',')
		}
		n++
	}
	for _, list := range [][]Tag{s.Mentions, s.Hashtags} {
		for _, t := range list {
			sep()
			b = append(b, `{"type":`...)
			b = appendString(b, t.Type)
			b = append(b, `,"href":`...)
			b = appendString(b, t.Href)
			b = append(b, `,"name":`...)
			b = appendString(b, t.Name)
			b = append(b, '}')
		}
	}
	for _, e := range s.Emoji {
		sep()
		b = append(b, `{"id":`...)
		b = appendString(b, e.ID)
		b = append(b, `,"type":"Emoji","name":`...)
		b = appendString(b, e.Name)
		if !e.Updated.IsZero() {
			b = append(b, `,"updated":`...)
			b = appendTime(b, e.Updated)
		}
		b = append(b, `,"icon":{"type":"Image","mediaType":`...)
		b = appendOptString(b, e.MediaType)
		b = append(b, `,"url":`...)
		b = appendString(b, e.IconURL)
		b = append(b, "}}"...)
	}
	for _, raw := range s.OtherTags {
		sep()
		b = append(b, raw...)
	}
	return append(b, ']')
}

// splitRaw returns the item's inline object (nil when none) and the
// item's unknown members as `,"name":value...`.
func splitRaw(raw []byte) (object []byte, extras []byte) {
	if len(raw) == 0 {
		return nil, nil
	}
	eachMember(raw, func(name string, v jsontext.Value) {
		if name == "object" {
			if v.Kind() == '{' {
				object = v
			}
			return
		}
		if !knownActivity[name] {
			extras = appendMember(extras, name, v)
		}
	})
	return object, extras
}

func appendExtras(b, raw []byte, known map[string]bool) []byte {
	eachMember(raw, func(name string, v jsontext.Value) {
		if !known[name] {
			b = appendMember(b, name, v)
		}
	})
	return b
}

func appendMember(b []byte, name string, v jsontext.Value) []byte {
	b = append(b, ',')
	b = appendString(b, name)
	b = append(b, ':')
	return append(b, v...)
}

// eachMember calls f for each member of the JSON object raw, in order;
// it stops quietly at the first syntax error.
func eachMember(raw []byte, f func(name string, v jsontext.Value)) {
	dec := jsontext.NewDecoder(bytesReader(raw), decodeOptions)
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return
	}
	for dec.PeekKind() == '"' {
		tok, err := dec.ReadToken()
		if err != nil {
			return
		}
		name := tok.String()
		v, err := dec.ReadValue()
		if err != nil {
			return
		}
		f(name, v.Clone())
	}
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
