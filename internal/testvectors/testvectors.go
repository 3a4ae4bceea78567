// Package testvectors loads test vectors: one file per scenario, a header
// of "key: value" lines that must include "expect:", a blank line, then a
// payload of sections each introduced by a line "-- name --" (the txtar
// layout). A payload with no section line is one unnamed section "".
//
//	expect: alias-missing
//	reason: the target never listed the origin
//
//	-- move --
//	{"type":"Move", ...}
//	-- target --
//	{...}
package testvectors

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Vector is one scenario.
type Vector struct {
	// Name is the file name without its extension.
	Name string
	// Expect is the value of the "expect:" header.
	Expect string
	// Header holds every header line, Expect included.
	Header map[string]string
	// Sections holds the payload's sections by name, each with the bytes
	// between its "-- name --" line and the next, trailing newline kept.
	Sections map[string][]byte
}

// Section returns the named section or an error naming the vector.
func (v *Vector) Section(name string) ([]byte, error) {
	b, ok := v.Sections[name]
	if !ok {
		return nil, fmt.Errorf("vector %s has no section %q", v.Name, name)
	}
	return b, nil
}

// Load reads every *.txt file in dir, sorted by name.
func Load(dir string) ([]*Vector, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no test vectors in %s", dir)
	}
	sort.Strings(files)
	var out []*Vector
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		v, err := Parse(strings.TrimSuffix(filepath.Base(f), ".txt"), data)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// Parse parses one vector.
func Parse(name string, data []byte) (*Vector, error) {
	v := &Vector{Name: name, Header: map[string]string{}, Sections: map[string][]byte{}}
	head, payload, ok := bytes.Cut(data, []byte("\n\n"))
	if !ok {
		return nil, fmt.Errorf("vector %s: no blank line after the header", name)
	}
	for _, line := range strings.Split(string(head), "\n") {
		k, val, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("vector %s: header line %q is not key: value", name, line)
		}
		v.Header[strings.TrimSpace(k)] = strings.TrimSpace(val)
	}
	v.Expect, ok = v.Header["expect"]
	if !ok {
		return nil, fmt.Errorf("vector %s: no expect: header", name)
	}
	current := ""
	var buf []byte
	started := false
	flush := func() {
		if started {
			v.Sections[current] = buf
		}
	}
	for len(payload) > 0 {
		line, rest, _ := bytes.Cut(payload, []byte("\n"))
		payload = rest
		if s := string(line); strings.HasPrefix(s, "-- ") && strings.HasSuffix(s, " --") && len(s) >= 6 {
			flush()
			current, buf, started = strings.TrimSpace(s[3:len(s)-3]), []byte{}, true
			continue
		}
		if !started {
			started, buf = true, []byte{}
		}
		buf = append(buf, line...)
		buf = append(buf, '\n')
	}
	flush()
	return v, nil
}
