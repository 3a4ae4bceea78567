package activitypub

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
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
func splitObject(data []byte) ([]Member, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("want a JSON object, found %s", describeToken(tok))
	}
	var members []Member
	index := make(map[string]int)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		name := tok.(string) // object keys are always strings
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("member %q: %w", name, err)
		}
		if i, ok := index[name]; ok {
			members[i].Value = raw
			continue
		}
		index[name] = len(members)
		members = append(members, Member{Name: name, Value: raw})
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the JSON object")
	}
	return members, nil
}

func describeToken(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		return "'" + t.String() + "'"
	case string:
		return "a string"
	case nil:
		return "null"
	case bool:
		return "a boolean"
	default:
		return "a number"
	}
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
}

// decodeObject decodes data into t through fields and returns every member
// of data, known or not, in order.
func decodeObject[T any](data []byte, t *T, fields []field[T]) ([]Member, error) {
	members, err := splitObject(data)
	if err != nil {
		return nil, err
	}
	for _, m := range members {
		for i := range fields {
			if fields[i].name == m.Name {
				// A member of an unexpected shape stays as it was, in
				// members; the typed field stays unset.
				_ = fields[i].decode(t, m.Value)
				break
			}
		}
	}
	return members, nil
}

// encodeObject writes t as a JSON object. Members are written in the order
// of members: an unknown member as it was; a known member from its typed
// field, or exactly as it was when the typed field still holds what it
// decoded to (so unchanged documents keep their bytes). Known fields set
// since decoding follow, in the order of fields.
func encodeObject[T any](t *T, fields []field[T], members []Member) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	written := make([]bool, len(fields))
	first := true
	write := func(name string, value []byte) {
		if !first {
			buf.WriteByte(',')
		}
		first = false
		key, _ := json.Marshal(name)
		buf.Write(key)
		buf.WriteByte(':')
		buf.Write(value)
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
		var was json.RawMessage
		var orig T
		if f.decode(&orig, m.Value) == nil {
			if was, err = f.encode(&orig); err != nil {
				return nil, fmt.Errorf("%s: %w", f.name, err)
			}
		}
		switch {
		case bytes.Equal(now, was):
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
	buf.WriteByte('}')
	return buf.Bytes(), nil
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
			return json.Unmarshal(raw, p(t))
		},
		encode: func(t *T) (json.RawMessage, error) {
			if *p(t) == "" {
				return nil, nil
			}
			return json.Marshal(*p(t))
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
			if err := json.Unmarshal(raw, &s); err != nil {
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
			return json.Marshal(p(t).UTC().Format(time.RFC3339Nano))
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
		if err := json.Unmarshal(raw, &s); err != nil {
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
		var o struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(raw, &o); err != nil {
			return "", err
		}
		if o.ID == "" {
			return "", errors.New("object without an id")
		}
		return o.ID, nil
	}
	var s string
	err := json.Unmarshal(raw, &s)
	return s, err
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
