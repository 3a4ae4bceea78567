package archive

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io/fs"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
	"unique"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// The wire types below decode the shapes real archives hold; the
// flexible ones accept every variant servers write (a string or an
// array, a URI or an inline object, null).

// ref is a URI given as a string, an object (its id, else href), or an
// array of those (the first); null gives "".
type ref string

// href is like ref but prefers an object's href (url members).
type href string

// iref is a ref whose values repeat from item to item (types, the
// account, addressing): they are interned, so that a status costs no
// allocation for them and all statuses share one copy.
type iref string

// maxIntern is the length above which a string is not interned.
const maxIntern = 256

// internValue returns the string a JSON string v (quotes included) holds,
// decoded as [jsontext.Token.String] does (invalid UTF-8 becomes U+FFFD),
// interned with package unique when short: interned strings are shared
// by every status and collected once none uses them.
func internValue(v jsontext.Value) string {
	b := v[1 : len(v)-1]
	if bytes.IndexByte(b, '\\') >= 0 || !utf8.Valid(b) {
		bp := unquoteBuffers.Get().(*[]byte)
		defer unquoteBuffers.Put(bp)
		*bp, _ = jsontext.AppendUnquote((*bp)[:0], v) // v was read as a valid string
		b = *bp
	}
	if len(b) > maxIntern {
		return string(b)
	}
	return unique.Make(string(b)).Value()
}

func readRef(dec *jsontext.Decoder, preferHref, intern bool) (string, error) {
	switch dec.PeekKind() {
	case '"':
		if intern {
			v, err := dec.ReadValue()
			if err != nil {
				return "", err
			}
			return internValue(v), nil
		}
		tok, err := dec.ReadToken()
		if err != nil {
			return "", err
		}
		return tok.String(), nil
	case '{':
		var o struct {
			ID   ref `json:"id"`
			Href ref `json:"href"`
		}
		if err := jsonv2.UnmarshalDecode(dec, &o); err != nil {
			return "", err
		}
		if preferHref && o.Href != "" || o.ID == "" {
			return string(o.Href), nil
		}
		return string(o.ID), nil
	case '[':
		if _, err := dec.ReadToken(); err != nil {
			return "", err
		}
		first := ""
		for dec.PeekKind() != ']' {
			s, err := readRef(dec, preferHref, intern)
			if err != nil {
				return "", err
			}
			if first == "" {
				first = s
			}
		}
		_, err := dec.ReadToken()
		return first, err
	}
	return "", dec.SkipValue() // null, numbers, booleans
}

func (r *ref) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	s, err := readRef(dec, false, false)
	*r = ref(s)
	return err
}

func (r *iref) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	s, err := readRef(dec, false, true)
	*r = iref(s)
	return err
}

func (h *href) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	s, err := readRef(dec, true, false)
	*h = href(s)
	return err
}

// istr is a string member whose values repeat (tag names): interned like
// iref. Like a string, it takes a JSON string or null.
type istr string

func (s *istr) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	switch dec.PeekKind() {
	case '"':
		v, err := dec.ReadValue()
		if err != nil {
			return err
		}
		*s = istr(internValue(v))
		return nil
	case 'n':
		*s = ""
		return dec.SkipValue()
	}
	var str string
	err := jsonv2.UnmarshalDecode(dec, &str)
	*s = istr(str)
	return err
}

// addrs is an addressing list: a string or an array of strings (objects
// contribute their id).
type addrs []string

func (a *addrs) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	*a = nil
	switch dec.PeekKind() {
	case '[':
		if _, err := dec.ReadToken(); err != nil {
			return err
		}
		var buf [8]string // most lists are short: one allocation, of the right size
		list := buf[:0]
		for dec.PeekKind() != ']' {
			s, err := readRef(dec, false, true)
			if err != nil {
				return err
			}
			if s != "" {
				list = append(list, s)
			}
		}
		*a = append([]string{}, list...)
		_, err := dec.ReadToken()
		return err
	case 'n':
		return dec.SkipValue()
	}
	s, err := readRef(dec, false, true)
	if s != "" {
		*a = []string{s}
	}
	return err
}

// list is an array that servers sometimes write as a single object.
type list[T any] []T

func (l *list[T]) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	*l = nil
	switch dec.PeekKind() {
	case 'n':
		return dec.SkipValue()
	case '{':
		var v T
		if err := jsonv2.UnmarshalDecode(dec, &v); err != nil {
			return err
		}
		*l = list[T]{v}
		return nil
	}
	var s []T
	err := jsonv2.UnmarshalDecode(dec, &s)
	*l = s
	return err
}

// lenientInt is a number written as an integer, a float or a string.
type lenientInt int

func (n *lenientInt) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	switch tok.Kind() {
	case '0':
		f, _ := tok.Float()
		*n = lenientInt(f)
	case '"':
		var f float64
		if _, err := fmt.Sscan(tok.String(), &f); err == nil {
			*n = lenientInt(f)
		}
	case '{', '[':
		return fmt.Errorf("number expected")
	}
	return nil
}

// langMap is contentMap with its keys in order. Only a hash of each
// HTML is kept, which is enough to find the key of the content without
// copying every text twice.
type langMap []struct {
	lang string
	hash uint64
}

var unquoteBuffers = sync.Pool{New: func() any { return new([]byte) }}

func hashString[S []byte | string](s S) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

func (m *langMap) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	*m = nil
	if dec.PeekKind() != '{' {
		return dec.SkipValue()
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	bp := unquoteBuffers.Get().(*[]byte)
	defer unquoteBuffers.Put(bp)
	for dec.PeekKind() != '}' {
		k, err := dec.ReadToken()
		if err != nil {
			return err
		}
		lang := unique.Make(k.String()).Value()
		v, err := dec.ReadValue()
		if err != nil {
			return err
		}
		var h uint64
		if v.Kind() == '"' {
			if *bp, err = jsontext.AppendUnquote((*bp)[:0], v); err == nil {
				h = hashString(*bp)
			}
		}
		*m = append(*m, struct {
			lang string
			hash uint64
		}{lang, h})
	}
	_, err := dec.ReadToken()
	return err
}

// closed is "closed": a time, or a boolean.
type closed struct {
	at   string
	flag bool
}

func (c *closed) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	switch tok.Kind() {
	case '"':
		c.at, c.flag = tok.String(), true
	case 't':
		c.flag = true
	case '{', '[':
		return fmt.Errorf("time or boolean expected")
	}
	return nil
}

type wireActivity struct {
	ID        ref       `json:"id"`
	Type      iref      `json:"type"`
	Actor     iref      `json:"actor"`
	Published string    `json:"published"`
	To        addrs     `json:"to"`
	Cc        addrs     `json:"cc"`
	Object    objectRef `json:"object"`
}

// objectRef is an activity's object: a bare URI or an inline object.
// Once an inline object is read, a later bare URI does not replace it.
type objectRef struct {
	uri    string
	inline bool
	obj    *wireObject // may be set beforehand, to decode into
}

func (o *objectRef) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	if dec.PeekKind() == '{' {
		if o.obj == nil {
			o.obj = new(wireObject)
		} else {
			*o.obj = wireObject{}
		}
		o.inline = true
		return jsonv2.UnmarshalDecode(dec, o.obj)
	}
	s, err := readRef(dec, false, false)
	o.uri = s
	return err
}

type wireObject struct {
	ID           ref                  `json:"id"`
	Type         iref                 `json:"type"`
	Summary      string               `json:"summary"`
	InReplyTo    ref                  `json:"inReplyTo"`
	Published    string               `json:"published"`
	Updated      string               `json:"updated"`
	URL          href                 `json:"url"`
	AttributedTo iref                 `json:"attributedTo"`
	To           addrs                `json:"to"`
	Cc           addrs                `json:"cc"`
	Sensitive    bool                 `json:"sensitive"`
	Conversation ref                  `json:"conversation"`
	Content      string               `json:"content"`
	ContentMap   langMap              `json:"contentMap"`
	Attachment   list[wireAttachment] `json:"attachment"`
	Tag          tagList              `json:"tag"`
	OneOf        list[wireOption]     `json:"oneOf"`
	AnyOf        list[wireOption]     `json:"anyOf"`
	EndTime      string               `json:"endTime"`
	Closed       closed               `json:"closed"`
	VotersCount  lenientInt           `json:"votersCount"`
}

type wireAttachment struct {
	Type       iref       `json:"type"`
	MediaType  string     `json:"mediaType"`
	URL        href       `json:"url"`
	Href       string     `json:"href"`
	Name       string     `json:"name"`
	Blurhash   string     `json:"blurhash"`
	FocalPoint []float64  `json:"focalPoint"`
	Width      lenientInt `json:"width"`
	Height     lenientInt `json:"height"`
}

type wireOption struct {
	Name    string `json:"name"`
	Replies struct {
		TotalItems lenientInt `json:"totalItems"`
	} `json:"replies"`
}

type wireTag struct {
	ID      iref   `json:"id"`
	Type    iref   `json:"type"`
	Name    istr   `json:"name"`
	Href    istr   `json:"href"`
	Updated string `json:"updated"`
	Icon    struct {
		MediaType istr `json:"mediaType"`
		URL       iref `json:"url"`
	} `json:"icon"`
}

// tagList is the tag member, decoded as it is read: a list that servers
// sometimes write as a single object, each element a Mention, Hashtag or
// Emoji, or kept as it was.
type tagList struct {
	mentions, hashtags []Tag
	emoji              []Emoji
	other              []json.RawMessage
	scratch            wireTag
}

func (l *tagList) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	l.mentions, l.hashtags, l.emoji, l.other = nil, nil, nil, nil
	switch dec.PeekKind() {
	case 'n':
		return dec.SkipValue()
	case '{':
		v, err := dec.ReadValue()
		if err != nil {
			return err
		}
		l.add(v)
		return nil
	case '[':
		if _, err := dec.ReadToken(); err != nil {
			return err
		}
		for dec.PeekKind() != ']' {
			v, err := dec.ReadValue()
			if err != nil {
				return err
			}
			l.add(v)
		}
		_, err := dec.ReadToken()
		return err
	}
	var s []jsontext.Value // the error anything else gives
	return jsonv2.UnmarshalDecode(dec, &s)
}

// add decodes one tag; raw is valid until the next read.
func (l *tagList) add(raw jsontext.Value) {
	t := &l.scratch
	*t = wireTag{}
	if err := jsonv2.Unmarshal(raw, t, decodeOptions); err != nil {
		l.other = append(l.other, json.RawMessage(bytes.Clone(raw)))
		return
	}
	switch t.Type {
	case "Mention", "Hashtag":
		tag := Tag{Type: string(t.Type), Name: string(t.Name), Href: string(t.Href)}
		if t.Type == "Mention" {
			l.mentions = append(l.mentions, tag)
		} else {
			l.hashtags = append(l.hashtags, tag)
		}
	case "Emoji":
		l.emoji = append(l.emoji, Emoji{
			ID: string(t.ID), Name: string(t.Name), IconURL: string(t.Icon.URL),
			MediaType: string(t.Icon.MediaType), Updated: parseTime(t.Updated),
		})
	default:
		l.other = append(l.other, json.RawMessage(bytes.Clone(raw)))
	}
}

// parseTime reads the times servers write (RFC 3339, with or without
// fractions); anything else gives the zero time.
func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// decodeScratch is what decoding an item needs besides the status, kept
// from item to item.
type decodeScratch struct {
	activity wireActivity
	object   wireObject
}

var scratchPool = sync.Pool{New: func() any { return new(decodeScratch) }}

// decodeStatus decodes one outbox item. raw must be owned by the
// status. On error the status still carries its position and Raw.
func decodeStatus(raw []byte, index int, offset int64) (*Status, error) {
	s := new(Status)
	return s, decodeInto(s, raw, index, offset)
}

// decodeInto is decodeStatus into s, which it overwrites.
func decodeInto(s *Status, raw []byte, index int, offset int64) error {
	*s = Status{Index: index, Offset: offset, Raw: json.RawMessage(raw)}
	sc := scratchPool.Get().(*decodeScratch)
	defer func() {
		*sc = decodeScratch{} // hold nothing of this item
		scratchPool.Put(sc)
	}()
	w := &sc.activity
	w.Object.obj = &sc.object
	if err := jsonv2.Unmarshal(raw, w, decodeOptions); err != nil {
		return err
	}
	s.Activity = string(w.Type)
	s.ActivityID = string(w.ID)
	s.Actor = string(w.Actor)
	s.Published = parseTime(w.Published)
	s.To, s.Cc = w.To, w.Cc
	if w.Object.inline {
		fillObject(s, w.Object.obj)
	} else {
		s.ID = w.Object.uri
	}
	s.Visibility = VisibilityOf(s.To, s.Cc)
	return nil
}

func fillObject(s *Status, o *wireObject) {
	s.Type = string(o.Type)
	if s.Type == "" {
		s.Type = "Object" // an untyped inline object; "" means a bare URI
	}
	s.ID = string(o.ID)
	s.URL = string(o.URL)
	s.AttributedTo = string(o.AttributedTo)
	if t := parseTime(o.Published); !t.IsZero() {
		s.Published = t
	}
	s.Updated = parseTime(o.Updated)
	s.Summary = o.Summary
	s.Sensitive = o.Sensitive
	s.Content = o.Content
	s.Language = language(o.ContentMap, o.Content)
	// Each of to and cc falls back to the activity's on its own, as
	// Mastodon reads them (@object['to'] || @json['to']).
	if o.To != nil {
		s.To = o.To
	}
	if o.Cc != nil {
		s.Cc = o.Cc
	}
	s.InReplyTo = string(o.InReplyTo)
	s.Conversation = string(o.Conversation)
	if len(o.Attachment) > 0 {
		s.Attachments = make([]Attachment, 0, len(o.Attachment))
		for _, a := range o.Attachment {
			s.Attachments = append(s.Attachments, attachment(a))
		}
	}
	s.Mentions, s.Hashtags, s.Emoji, s.OtherTags = o.Tag.mentions, o.Tag.hashtags, o.Tag.emoji, o.Tag.other
	if s.Type == "Question" || len(o.OneOf) > 0 || len(o.AnyOf) > 0 {
		p := &Poll{
			Multiple:    len(o.AnyOf) > 0,
			EndTime:     parseTime(o.EndTime),
			VotersCount: int(o.VotersCount),
		}
		opts := o.OneOf
		if p.Multiple {
			opts = o.AnyOf
		}
		for _, op := range opts {
			p.Options = append(p.Options, PollOption{Name: op.Name, Votes: int(op.Replies.TotalItems)})
		}
		if o.Closed.flag {
			p.Closed = parseTime(o.Closed.at)
			if p.Closed.IsZero() {
				p.Closed = p.EndTime
			}
			if p.Closed.IsZero() {
				p.Closed = time.Unix(0, 0).UTC()
			}
		}
		s.Poll = p
	}
}

// language picks the contentMap key whose HTML is the content, else the
// first key.
func language(m langMap, content string) string {
	if len(m) == 1 {
		return m[0].lang
	}
	h := hashString(content)
	for _, kv := range m {
		if kv.hash == h {
			return kv.lang
		}
	}
	if len(m) > 0 {
		return m[0].lang
	}
	return ""
}

func attachment(a wireAttachment) Attachment {
	out := Attachment{
		Type:      string(a.Type),
		MediaType: a.MediaType,
		URL:       string(a.URL),
		Name:      a.Name,
		Blurhash:  a.Blurhash,
		Width:     int(a.Width),
		Height:    int(a.Height),
	}
	if out.URL == "" {
		out.URL = a.Href
	}
	if len(a.FocalPoint) == 2 {
		out.FocalPoint = &[2]float64{a.FocalPoint[0], a.FocalPoint[1]}
	}
	if !out.IsLink() {
		out.Path = MediaPath(out.URL)
	}
	return out
}

// MediaPath returns the archive entry a media URL names: its suffix from
// "media_attachments/", whatever comes before (a CDN host, a leading
// "/", "/system/"), without query or fragment. A relative URL without
// that folder names the entry it spells. It returns "" for a URL that
// names no entry.
func MediaPath(url string) string {
	if i := strings.IndexAny(url, "?#"); i >= 0 {
		url = url[:i]
	}
	var p string
	if i := strings.Index(url, "media_attachments/"); i >= 0 {
		p = url[i:]
	} else if !strings.Contains(url, "://") {
		p = strings.TrimPrefix(strings.TrimLeft(url, "/"), "system/")
	}
	if p == "" || !fs.ValidPath(p) || p == "." || strings.Contains(p, `\`) {
		return ""
	}
	return p
}

// idOf returns the "id" of a JSON object, or "".
func idOf(v jsontext.Value) string {
	var o struct {
		ID ref `json:"id"`
	}
	_ = jsonv2.Unmarshal(v, &o, decodeOptions)
	return string(o.ID)
}
