package activitypub

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Member is one name/value pair of a JSON object, in document order, with
// the value's bytes as they were. Documents decoded by this package keep
// every member they had, so that encoding them again loses nothing.
type Member struct {
	Name  string
	Value json.RawMessage
}

// splitObject splits a JSON object into its members without decoding their
// values. A member that appears twice keeps its first position and its last
// value, which is what JSON decoders that let the last value win report.
// The members' values point into one copy of data.
func splitObject(data []byte) ([]Member, error) {
	if !json.Valid(data) {
		// Let encoding/json say what is wrong, and where.
		var raw json.RawMessage
		if err := json.Unmarshal(data, &raw); err != nil {
			return nil, err
		}
		return nil, errors.New("invalid JSON")
	}
	return scanObject(bytes.Clone(data))
}

// scanObject is splitObject for data known to be valid JSON, which the
// members' values then point into.
func scanObject(data []byte) ([]Member, error) {
	return scanObjectDups(data, nil)
}

// scanObjectDups is scanObject that also appends to *dups (if not nil)
// the name of each member that appears more than once, once per repeat.
func scanObjectDups(data []byte, dups *[]string) ([]Member, error) {
	i := skipSpace(data, 0)
	if data[i] != '{' {
		return nil, fmt.Errorf("want a JSON object, found %s", describeValue(data[i]))
	}
	var members []Member
	var index map[string]int
	i = skipSpace(data, i+1)
	if data[i] == '}' {
		return members, nil
	}
	for {
		end := skipString(data, i)
		name := unquoteKey(data[i:end])
		i = skipSpace(data, end)
		i = skipSpace(data, i+1) // the colon
		end = skipValue(data, i)
		value := json.RawMessage(data[i:end:end])
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
		} else {
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
		i = skipSpace(data, end)
		if data[i] == '}' {
			return members, nil
		}
		i = skipSpace(data, i+1) // the comma
	}
}

func describeValue(c byte) string {
	switch c {
	case '[':
		return "'['"
	case '"':
		return "a string"
	case 'n':
		return "null"
	case 't', 'f':
		return "a boolean"
	default:
		return "a number"
	}
}

func skipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\r', '\n':
			i++
		default:
			return i
		}
	}
	return i
}

// skipString returns the offset after the string starting at data[i],
// which is valid JSON.
func skipString(data []byte, i int) int {
	for i++; i < len(data); i++ {
		switch data[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return i
}

// skipValue returns the offset after the value starting at data[i], which
// is valid JSON.
func skipValue(data []byte, i int) int {
	switch data[i] {
	case '"':
		return skipString(data, i)
	case '{', '[':
		depth := 0
		for ; i < len(data); i++ {
			switch data[i] {
			case '"':
				i = skipString(data, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
		}
		return i
	}
	for ; i < len(data); i++ {
		switch data[i] {
		case ',', '}', ']', ' ', '\t', '\r', '\n':
			return i
		}
	}
	return i
}

// unquoteKey decodes a member name, a valid JSON string.
func unquoteKey(raw []byte) string {
	if s, ok := plainString(raw); ok {
		return s
	}
	var s string
	_ = json.Unmarshal(raw, &s) // raw is valid: this cannot fail
	return s
}

// plainString returns the value of raw when it is a JSON string with no
// escapes and valid UTF-8, which decodes to its bytes as they are.
func plainString(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return "", false
	}
	inner := raw[1 : len(raw)-1]
	ascii := true
	for _, c := range inner {
		if c < 0x20 || c == '"' || c == '\\' {
			return "", false
		}
		if c >= 0x80 {
			ascii = false
		}
	}
	if !ascii && !utf8.Valid(inner) {
		return "", false
	}
	return string(inner), true
}

// decodeString decodes a JSON string into *s, fast when it has no
// escapes or only common ones.
func decodeString(raw []byte, s *string) error {
	if v, ok := plainString(raw); ok {
		*s = v
		return nil
	}
	if v, ok := unescapeString(raw); ok {
		*s = v
		return nil
	}
	return json.Unmarshal(raw, s)
}

// unescapeString decodes raw, a JSON string with escapes, when it is
// well-formed UTF-8 and its escapes are simple or \u escapes of the Basic
// Multilingual Plane outside the surrogates. It reports false for
// anything else, which encoding/json then decodes.
func unescapeString(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return "", false
	}
	inner := raw[1 : len(raw)-1]
	if !utf8.Valid(inner) {
		return "", false
	}
	out := make([]byte, 0, len(inner))
	for i := 0; i < len(inner); i++ {
		c := inner[i]
		switch {
		case c < 0x20 || c == '"':
			return "", false
		case c != '\\':
			out = append(out, c)
			continue
		}
		i++
		if i == len(inner) {
			return "", false
		}
		switch inner[i] {
		case '"', '\\', '/':
			out = append(out, inner[i])
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			if i+4 >= len(inner) {
				return "", false
			}
			var r rune
			for _, h := range inner[i+1 : i+5] {
				switch {
				case h >= '0' && h <= '9':
					r = r<<4 | rune(h-'0')
				case h >= 'a' && h <= 'f':
					r = r<<4 | rune(h-'a'+10)
				case h >= 'A' && h <= 'F':
					r = r<<4 | rune(h-'A'+10)
				default:
					return "", false
				}
			}
			if r >= 0xd800 && r < 0xe000 {
				return "", false // surrogates: leave them to encoding/json
			}
			out = utf8.AppendRune(out, r)
			i += 4
		default:
			return "", false
		}
	}
	return string(out), true
}

// appendString appends s as encoding/json encodes it (HTML characters,
// U+2028 and U+2029 escaped, invalid UTF-8 replaced).
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
				return appendStringSlow(b, s)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || r == '\u2028' || r == '\u2029' {
			return appendStringSlow(b, s)
		}
		i += size
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendStringSlow is appendString for strings that need escapes.
func appendStringSlow(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				// encoding/json's choice of \b, \f or \u00XX.
				q, _ := json.Marshal(s[i : i+1])
				b = append(b, q[1:len(q)-1]...)
			case c == '<' || c == '>' || c == '&':
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
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
	if !json.Valid(data) {
		return splitObject(data) // for its error
	}
	return decodeValidObject(bytes.Clone(data), t, fields)
}

// decodeValidObject is decodeObject for data known to be valid JSON, in a
// buffer no one else holds.
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
	i := skipSpace(data, 0)
	if data[i] != '[' {
		return nil
	}
	items := []json.RawMessage{}
	i = skipSpace(data, i+1)
	if data[i] == ']' {
		return items
	}
	for {
		end := skipValue(data, i)
		items = append(items, data[i:end:end])
		i = skipSpace(data, end)
		if data[i] == ']' {
			return items
		}
		i = skipSpace(data, i+1)
	}
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
