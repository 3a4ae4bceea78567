package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEmptyFiles inspects 0-byte files, as GoToSocial exports an empty
// list: zero rows when the type is known from the name or -type, and an
// error when it cannot be told.
func TestEmptyFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, name := range []string{"lists.csv", "blocks.csv", "mutes.csv", "export.csv"} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name, file string
		args       []string
		typ        string
		code       int
	}{
		{"lists by name", "lists.csv", nil, "lists", 0},
		{"blocks by name", "blocks.csv", nil, "blocking", 0},
		{"mutes by name", "mutes.csv", nil, "muting", 0},
		{"type given", "export.csv", []string{"-type", "following"}, "following", 0},
		{"type unknown", "export.csv", nil, "", 1},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		code := run(append(append([]string{"-json"}, tt.args...), filepath.Join(dir, tt.file)), &stdout, &stderr)
		if code != tt.code {
			t.Errorf("%s: exit %d, want %d: %s", tt.name, code, tt.code, &stderr)
			continue
		}
		if code != 0 {
			continue
		}
		var rep struct {
			Type     string           `json:"type"`
			Rows     []map[string]any `json:"rows"`
			Warnings []string         `json:"warnings"`
		}
		if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if rep.Type != tt.typ || len(rep.Rows) != 0 || len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0], "empty") {
			t.Errorf("%s: %+v", tt.name, rep)
		}
	}
}
