package activitypub

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// This file keeps the first, straightforward implementation of
// scanObjectDups and encodeObject (json.Decoder tokens; every known member
// decoded again on encode) as the reference the fast ones must match.

func splitObjectRef(data []byte) ([]Member, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("want a JSON object")
	}
	var members []Member
	index := make(map[string]int)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		name := tok.(string)
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
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the JSON object")
	}
	return members, nil
}

func encodeObjectRef[T any](t *T, fields []field[T], members []Member) ([]byte, error) {
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
			return nil, err
		}
		var was json.RawMessage
		var orig T
		if f.decode(&orig, m.Value) == nil {
			if was, err = f.encode(&orig); err != nil {
				return nil, err
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
			return nil, err
		}
		if now != nil {
			write(f.name, now)
		}
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// checkSplitMatchesRef fails t when scanObjectDups and splitObjectRef
// disagree on data.
func checkSplitMatchesRef(t *testing.T, data []byte) {
	t.Helper()
	want, wantErr := splitObjectRef(data)
	got, gotErr := scanObjectDups(bytes.Clone(data), nil)
	if wantErr == nil && gotErr != nil && strings.Contains(gotErr.Error(), "exceeded max depth") {
		// jsontext refuses 10,000 levels of nesting, where encoding/json
		// stops one level deeper: the one documented difference.
		return
	}
	if (wantErr == nil) != (gotErr == nil) {
		t.Fatalf("scanObjectDups(%q) error = %v, reference %v", data, gotErr, wantErr)
	}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(x, y json.RawMessage) bool { return bytes.Equal(x, y) })); diff != "" {
		t.Fatalf("scanObjectDups(%q) (-reference +fast):\n%s", data, diff)
	}
}

// checkEncodeMatchesRef fails t when the actor decoded from data, changed
// by edit, encodes differently from the reference encoder.
func checkEncodeMatchesRef(t *testing.T, data []byte, edit func(*Actor)) {
	t.Helper()
	a, err := ParseActor(data)
	if err != nil {
		return
	}
	if edit != nil {
		edit(a)
	}
	want, wantErr := encodeObjectRef(a, actorFields, a.Members)
	got, gotErr := a.MarshalJSON()
	if (wantErr == nil) != (gotErr == nil) {
		t.Fatalf("MarshalJSON error = %v, reference %v", gotErr, wantErr)
	}
	if !bytes.Equal(want, got) {
		t.Fatalf("MarshalJSON of %q:\n got %s\nwant %s", data, got, want)
	}
}

var objectSeeds = []string{
	`{}`, ` { } `, `{"a":1}`, `{"a" : [1, {"b":"}"}] , "a":"x\"y"}`,
	`{"\u0069d":"x","id":"y"}`, "{\"\xff\":1}", `{"a":"\ud800"}`, `[]`, `"x"`, `{"a":1} x`, `{"a":1`,
	`{"name":"<b>&amp;</b>","summary":"caf\u00e9 \u2028","id":"https://x.example/a"}`,
	`{"publicKey": {"id": "k", "owner": "o"}, "attachment": {"type":"PropertyValue","name":"n"}}`,
	`{"alsoKnownAs":"x","published":"2020-01-01T00:00:00.000Z","discoverable":false,"suspended":null}`,
	`{"icon":{"type":"Image","url":"a.png"},"endpoints":{"sharedInbox":"https://x/inbox"},"name":1}`,
}

func objectCorpus(tb testing.TB) [][]byte {
	var out [][]byte
	for _, s := range objectSeeds {
		out = append(out, []byte(s))
	}
	files, _ := filepath.Glob("testdata/actors/*.json")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, data)
	}
	return out
}

var stringSeeds = []string{
	`"plain"`, `"caf\u00e9"`, `"\u003cp\u003e \u0026amp; \"q\" \\ \/ \b\f\n\r\t"`, `"\ud83d\ude00"`,
	`"\ud800"`, `"\u12"`, `"\x"`, "\"tab\there\"", "\"\xff\"", `"a"b"`, `"`, `x`, `"\u2028\u2029 ` + "\u2028\"",
	"<b>&</b>\x00\x01\x1f\x7f \u2028 \xff\xfe ok",
}

// checkStringsMatchJSON fails t when decodeString or appendString
// disagree with encoding/json on data (as a JSON string and as a Go
// string).
func checkStringsMatchJSON(t *testing.T, data []byte) {
	t.Helper()
	var want, got string
	wantErr := json.Unmarshal(data, &want)
	gotErr := decodeString(data, &got)
	if (wantErr == nil) != (gotErr == nil) || (wantErr == nil && want != got) {
		t.Fatalf("decodeString(%q) = %q, %v; encoding/json %q, %v", data, got, gotErr, want, wantErr)
	}
	wantB, _ := json.Marshal(string(data))
	if gotB := appendString(nil, string(data)); !bytes.Equal(wantB, gotB) {
		t.Fatalf("appendString(%q) = %s, encoding/json %s", data, gotB, wantB)
	}
}

func TestStringsMatchJSON(t *testing.T) {
	t.Parallel()
	for _, s := range stringSeeds {
		checkStringsMatchJSON(t, []byte(s))
	}
}

func TestObjectMatchesReference(t *testing.T) {
	t.Parallel()
	edits := map[string]func(*Actor){
		"unchanged":     nil,
		"name":          func(a *Actor) { a.Name = "Renamed <x>" },
		"summary unset": func(a *Actor) { a.Summary = "" },
		"alias added":   func(a *Actor) { a.AlsoKnownAs = append(a.AlsoKnownAs, "https://n.example/u") },
		"moved":         func(a *Actor) { a.MovedTo = "https://n.example/u"; a.Suspended = true },
		"key rotated": func(a *Actor) {
			if a.PublicKey != nil {
				a.PublicKey.PublicKeyPem = "new"
			}
		},
		"icon dropped": func(a *Actor) { a.Icon = nil },
		"field edited": func(a *Actor) {
			if len(a.Attachment) > 0 {
				a.Attachment[0].Value = "v"
			}
		},
	}
	for _, data := range objectCorpus(t) {
		checkSplitMatchesRef(t, data)
		for name, edit := range edits {
			t.Run(name, func(t *testing.T) { checkEncodeMatchesRef(t, data, edit) })
		}
	}
}

// FuzzObjectMatchesReference checks that the fast splitter and encoder
// give what the reference implementation gives.
func FuzzObjectMatchesReference(f *testing.F) {
	for _, data := range objectCorpus(f) {
		f.Add(data)
	}
	for _, s := range stringSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkStringsMatchJSON(t, data)
		checkSplitMatchesRef(t, data)
		checkEncodeMatchesRef(t, data, nil)
		checkEncodeMatchesRef(t, data, func(a *Actor) { a.Name += "!"; a.AlsoKnownAs = append(a.AlsoKnownAs, "x") })
	})
}

// TestDeepNesting: documents nested deeper than jsontext's limit are
// refused with an error, not a crash, and shallower ones read as
// encoding/json reads them.
func TestDeepNesting(t *testing.T) {
	t.Parallel()
	for _, n := range []int{100, 9998} {
		checkSplitMatchesRef(t, []byte(`{"a":`+strings.Repeat("[", n)+strings.Repeat("]", n)+`}`))
		checkSplitMatchesRef(t, []byte(`{"a":`+strings.Repeat(`{"b":`, n)+"1"+strings.Repeat("}", n)+`}`))
	}
	for _, n := range []int{10000, 10001, 100000} {
		data := []byte(`{"a":` + strings.Repeat("[", n) + strings.Repeat("]", n) + `}`)
		if _, err := ParseActor(data); !errors.Is(err, ErrMalformed) {
			t.Errorf("ParseActor of %d levels = %v, want ErrMalformed", n, err)
		}
	}
}
