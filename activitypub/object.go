package activitypub

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
)

// Member is one name/value pair of a JSON object, in document order, with
// the value's bytes as they were. Documents decoded by this package keep
// every member they had, so that encoding them again loses nothing.
type Member struct {
	Name  string
	Value json.RawMessage
}

// The scanning and quoting below are github.com/go-json-experiment/json's
// jsontext, which package archive uses too; encoding/json decides only
// the rare strings jsontext would refuse or write otherwise (invalid
// UTF-8, lone surrogates, HTML characters), so that decoding accepts and
// encoding writes exactly what encoding/json does.

// decodeOptions read JSON as encoding/json does: a repeated name is not
// an error here (the callers decide), and invalid UTF-8 becomes U+FFFD.
var decodeOptions = []jsontext.Options{jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)}

var decoderPool = sync.Pool{New: func() any { return new(jsontext.Decoder) }}

// newDecoder returns a pooled decoder reading data in place; give it back
// with decoderPool.Put.
func newDecoder(data []byte) *jsontext.Decoder {
	d := decoderPool.Get().(*jsontext.Decoder)
	d.Reset(bytes.NewBuffer(data), decodeOptions...)
	return d
}

// scanObjectDups splits data, a JSON object the members' values then
// point into, into its members without decoding their values, and appends
// to *dups (if not nil) the name of each member that appears more than
// once, once per repeat. A member that appears twice keeps its first
// position and its last value, which is what JSON decoders that let the
// last value win report.
func scanObjectDups(data []byte, dups *[]string) ([]Member, error) {
	d := newDecoder(data)
	defer decoderPool.Put(d)
	if k := d.PeekKind(); k != '{' {
		if _, err := d.ReadValue(); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("want a JSON object, found %s", describeKind(k))
	}
	if _, err := d.ReadToken(); err != nil {
		return nil, err
	}
	var members []Member
	var index map[string]int
	for d.PeekKind() == '"' {
		tok, err := d.ReadToken()
		if err != nil {
			return nil, err
		}
		name := tok.String()
		v, err := d.ReadValue()
		if err != nil {
			return nil, err
		}
		end := int(d.InputOffset())
		value := json.RawMessage(data[end-len(v) : end : end])
		dup := -1
		if index != nil {
			if j, ok := index[name]; ok {
				dup = j
			}
		} else {
			for j := range members {
				if members[j].Name == name {
					dup = j
					break
				}
			}
		}
		if dup >= 0 {
			members[dup].Value = value
			if dups != nil {
				*dups = append(*dups, name)
			}
			continue
		}
		members = append(members, Member{Name: name, Value: value})
		if index != nil {
			index[name] = len(members) - 1
		} else if len(members) == 16 {
			// Past a few members, a map keeps duplicate detection
			// linear on hostile documents with many keys.
			index = make(map[string]int, 32)
			for j, m := range members {
				index[m.Name] = j
			}
		}
	}
	if _, err := d.ReadToken(); err != nil { // the closing brace
		return nil, err
	}
	if _, err := d.ReadToken(); err != io.EOF {
		if err == nil {
			err = errors.New("data after the JSON object")
		}
		return nil, err
	}
	return members, nil
}

func describeKind(k jsontext.Kind) string {
	switch k {
	case '[':
		return "'['"
	case '"':
		return "a string"
	case 'n':
		return "null"
	case 't', 'f':
		return "a boolean"
	}
	return "a number"
}

// decodeString decodes a JSON string into *s.
func decodeString(raw []byte, s *string) error {
	var buf [128]byte
	v, err := jsontext.AppendUnquote(buf[:0], raw)
	if err != nil {
		// Invalid UTF-8 or a lone surrogate, which encoding/json takes
		// as U+FFFD, or not a string at all.
		return json.Unmarshal(raw, s)
	}
	*s = string(v)
	return nil
}

// appendString appends s as encoding/json encodes it (HTML characters,
// U+2028 and U+2029 escaped, invalid UTF-8 replaced).
func appendString(b []byte, s string) []byte {
	if !strings.ContainsAny(s, "<>&\u2028\u2029") && utf8.ValidString(s) {
		// jsontext's minimal escaping is encoding/json's for such
		// strings.
		b, _ = jsontext.AppendQuote(b, s)
		return b
	}
	q, _ := json.Marshal(s)
	return append(b, q...)
}

// field tells how one known member of a document of type T is decoded
// into and encoded from T's typed fields.
type field[T any] struct {
	name string
	// decode sets the typed field from raw; it fails when raw has a shape
	// the field cannot hold, in which case the member is kept as it was.
	decode func(t *T, raw json.RawMessage) error
	// encode returns the typed field's JSON, or nil when it is unset.
	encode func(t *T) (json.RawMessage, error)
	// decodeValid, when set, is decode for raw known to be valid JSON,
	// in a buffer no one else holds: what decodeObject hands out.
	decodeValid func(t *T, raw json.RawMessage) error
	// same, when set, reports cheaply whether encode(t) equals what
	// encode gives for a T that decode filled from raw (nil when decode
	// fails): whether the typed field still holds what raw decoded to.
	same func(t *T, raw json.RawMessage) bool
	// unique marks a security-relevant member: a document that has it
	// twice (or also under a name differing only in case), at its level
	// or inside its value, is refused with a *DuplicateMemberError, since
	// parsers disagree on which value counts.
	unique bool
}

// unique marks f as a member that must not repeat (see field.unique).
func unique[T any](f field[T]) field[T] {
	f.unique = true
	return f
}

// decodeObject decodes data into t through fields and returns every member
// of data, known or not, in order.
func decodeObject[T any](data []byte, t *T, fields []field[T]) ([]Member, error) {
	return decodeValidObject(bytes.Clone(data), t, fields)
}

// decodeValidObject is decodeObject for data in a buffer no one else
// holds, which the members' values then point into. The nested documents
// call it on member values, which the scan of their parent validated.
func decodeValidObject[T any](data []byte, t *T, fields []field[T]) ([]Member, error) {
	var dups []string
	members, err := scanObjectDups(data, &dups)
	if err != nil {
		return nil, err
	}
	if err := checkUnique(members, dups, fields); err != nil {
		return members, err
	}
	return members, decodeMembers(members, t, fields)
}

// checkUnique refuses a repeated member that fields mark unique: named
// twice (dups), or twice in names that differ only in case, which
// encoding/json and other case-insensitive decoders take for one.
func checkUnique[T any](members []Member, dups []string, fields []field[T]) error {
	for _, name := range dups {
		if i := fieldIndex(fields, name); i >= 0 && fields[i].unique {
			return &DuplicateMemberError{Name: name}
		}
	}
	for i := range fields {
		f := &fields[i]
		if !f.unique {
			continue
		}
		n := 0
		for _, m := range members {
			// EqualFold also folds the Kelvin sign to k and the long s
			// to s, as encoding/json's field matching does.
			if strings.EqualFold(m.Name, f.name) {
				n++
			}
		}
		if n > 1 {
			return &DuplicateMemberError{Name: f.name}
		}
	}
	return nil
}

// decodeMembers sets t's typed fields from members, which hold valid JSON.
// It fails only on a repeated member inside the value of a unique one.
func decodeMembers[T any](members []Member, t *T, fields []field[T]) error {
	for _, m := range members {
		if i := fieldIndex(fields, m.Name); i >= 0 {
			// A member of an unexpected shape stays as it was, in
			// members; the typed field stays unset.
			f := &fields[i]
			var err error
			if f.decodeValid != nil {
				err = f.decodeValid(t, m.Value)
			} else {
				err = f.decode(t, m.Value)
			}
			var dup *DuplicateMemberError
			if f.unique && errors.As(err, &dup) {
				return &DuplicateMemberError{Name: f.name + "." + dup.Name}
			}
		}
	}
	return nil
}

// validDecoder is implemented by the nested documents: decodeValid is
// UnmarshalJSON for data known to be valid JSON, in a buffer no one else
// holds.
type validDecoder interface {
	decodeValid(data []byte) error
}

// splitArray returns the elements of a JSON array known to be valid, or
// nil when data is not an array.
func splitArray(data []byte) []json.RawMessage {
	d := newDecoder(data)
	defer decoderPool.Put(d)
	if d.PeekKind() != '[' {
		return nil
	}
	if _, err := d.ReadToken(); err != nil {
		return nil
	}
	items := []json.RawMessage{}
	for d.PeekKind() != ']' {
		v, err := d.ReadValue()
		if err != nil {
			return nil
		}
		end := int(d.InputOffset())
		items = append(items, data[end-len(v):end:end])
	}
	return items
}

// encodeObject writes t as a JSON object. Members are written in the order
// of members: an unknown member as it was; a known member from its typed
// field, or exactly as it was when the typed field still holds what it
// decoded to (so unchanged documents keep their bytes). Known fields set
// since decoding follow, in the order of fields.
func encodeObject[T any](t *T, fields []field[T], members []Member) ([]byte, error) {
	size := 2
	for _, m := range members {
		size += len(m.Name) + len(m.Value) + 4
	}
	buf := make([]byte, 1, size+64)
	buf[0] = '{'
	var writtenBuf [64]bool
	var written []bool
	if len(fields) > len(writtenBuf) {
		written = make([]bool, len(fields))
	} else {
		written = writtenBuf[:len(fields)]
	}
	write := func(name string, value []byte) {
		if len(buf) > 1 {
			buf = append(buf, ',')
		}
		buf = appendString(buf, name)
		buf = append(buf, ':')
		buf = append(buf, value...)
	}
	for _, m := range members {
		i := fieldIndex(fields, m.Name)
		if i < 0 {
			write(m.Name, m.Value)
			continue
		}
		if written[i] {
			continue
		}
		written[i] = true
		f := fields[i]
		now, err := f.encode(t)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.name, err)
		}
		if bytes.Equal(now, m.Value) {
			// The field encodes to the member's bytes: unchanged.
			write(m.Name, m.Value)
			continue
		}
		var unchanged bool
		if f.same != nil {
			unchanged = f.same(t, m.Value)
		} else {
			var was json.RawMessage
			var orig T
			if f.decode(&orig, m.Value) == nil {
				if was, err = f.encode(&orig); err != nil {
					return nil, fmt.Errorf("%s: %w", f.name, err)
				}
			}
			unchanged = bytes.Equal(now, was)
		}
		switch {
		case unchanged:
			write(m.Name, m.Value)
		case now != nil:
			write(m.Name, now)
		}
	}
	for i, f := range fields {
		if written[i] {
			continue
		}
		now, err := f.encode(t)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.name, err)
		}
		if now != nil {
			write(f.name, now)
		}
	}
	return append(buf, '}'), nil
}

func fieldIndex[T any](fields []field[T], name string) int {
	for i := range fields {
		if fields[i].name == name {
			return i
		}
	}
	return -1
}

// The field constructors below cover the shapes actor documents use.

func stringField[T any](name string, p func(*T) *string) field[T] {
	return field[T]{
		name: name,
		decode: func(t *T, raw json.RawMessage) error {
			if isNull(raw) {
				*p(t) = ""
				return nil
			}
			return decodeString(raw, p(t))
		},
		encode: func(t *T) (json.RawMessage, error) {
			if *p(t) == "" {
				return nil, nil
			}
			return appendString(nil, *p(t)), nil
		},
		same: func(t *T, raw json.RawMessage) bool {
			var v string
			if !isNull(raw) && decodeString(raw, &v) != nil {
				v = ""
			}
			return v == *p(t)
		},
	}
}

func boolField[T any](name string, p func(*T) *bool) field[T] {
	return field[T]{
		name: name,
		decode: func(t *T, raw json.RawMessage) error {
			if isNull(raw) {
				*p(t) = false
				return nil
			}
			return json.Unmarshal(raw, p(t))
		},
		encode: func(t *T) (json.RawMessage, error) {
			if !*p(t) {
				return nil, nil
			}
			return json.RawMessage("true"), nil
		},
	}
}

func timeField[T any](name string, p func(*T) *time.Time) field[T] {
	return field[T]{
		name: name,
		decode: func(t *T, raw json.RawMessage) error {
			if isNull(raw) {
				*p(t) = time.Time{}
				return nil
			}
			var s string
			if err := decodeString(raw, &s); err != nil {
				return err
			}
			v, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				return err
			}
			*p(t) = v
			return nil
		},
		encode: func(t *T) (json.RawMessage, error) {
			if p(t).IsZero() {
				return nil, nil
			}
			return appendString(nil, p(t).UTC().Format(time.RFC3339Nano)), nil
		},
	}
}

// stringsField holds a list of IRIs that may arrive as one string, an
// array of strings, or an array of objects with an "id".
func stringsField[T any](name string, p func(*T) *[]string) field[T] {
	return field[T]{
		name: name,
		decode: func(t *T, raw json.RawMessage) error {
			v, err := decodeIRIs(raw)
			if err != nil {
				return err
			}
			*p(t) = v
			return nil
		},
		encode: func(t *T) (json.RawMessage, error) {
			if *p(t) == nil {
				return nil, nil
			}
			return json.Marshal(*p(t))
		},
	}
}

func decodeIRIs(raw json.RawMessage) ([]string, error) {
	raw = bytes.TrimSpace(raw)
	switch {
	case isNull(raw):
		return nil, nil
	case len(raw) > 0 && raw[0] == '"':
		var s string
		if err := decodeString(raw, &s); err != nil {
			return nil, err
		}
		return []string{s}, nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, err
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		id, err := decodeIRI(it)
		if err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, nil
}

// decodeIRI returns the IRI of a value that is an IRI string or an object
// with an "id".
func decodeIRI(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '{' {
		// Read as the other members are: "id" exactly, and refused when
		// repeated (encoding/json would take the last, in any case).
		var o iriObject
		if _, err := decodeObject(raw, &o, iriObjectFields); err != nil {
			return "", err
		}
		if o.ID == "" {
			return "", errors.New("object without an id")
		}
		return o.ID, nil
	}
	var s string
	err := decodeString(raw, &s)
	return s, err
}

// iriObject is an object standing for an IRI: only its id is read.
type iriObject struct{ ID string }

var iriObjectFields = []field[iriObject]{
	unique(stringField("id", func(o *iriObject) *string { return &o.ID })),
}

// objectField holds a nested object through its own JSON methods.
func objectField[T, V any, PV interface {
	*V
	json.Marshaler
	json.Unmarshaler
}](name string, p func(*T) **V) field[T] {
	return field[T]{
		name: name,
		decode: func(t *T, raw json.RawMessage) error {
			if isNull(raw) {
				*p(t) = nil
				return nil
			}
			v := PV(new(V))
			if err := v.UnmarshalJSON(raw); err != nil {
				return err
			}
			*p(t) = (*V)(v)
			return nil
		},
		decodeValid: func(t *T, raw json.RawMessage) error {
			if isNull(raw) {
				*p(t) = nil
				return nil
			}
			v := PV(new(V))
			var err error
			if vd, ok := any(v).(validDecoder); ok {
				err = vd.decodeValid(raw)
			} else {
				err = v.UnmarshalJSON(raw)
			}
			if err != nil {
				return err
			}
			*p(t) = (*V)(v)
			return nil
		},
		encode: func(t *T) (json.RawMessage, error) {
			v := *p(t)
			if v == nil {
				return nil, nil
			}
			return PV(v).MarshalJSON()
		},
	}
}

// rawField holds a member whose value the caller handles as raw JSON.
func rawField[T any](name string, p func(*T) *json.RawMessage) field[T] {
	return field[T]{
		name: name,
		decode: func(t *T, raw json.RawMessage) error {
			*p(t) = append(json.RawMessage(nil), raw...)
			return nil
		},
		encode: func(t *T) (json.RawMessage, error) {
			if len(*p(t)) == 0 {
				return nil, nil
			}
			if !json.Valid(*p(t)) {
				return nil, errors.New("invalid JSON")
			}
			return *p(t), nil
		},
	}
}

func isNull(raw json.RawMessage) bool {
	return string(bytes.TrimSpace(raw)) == "null"
}
