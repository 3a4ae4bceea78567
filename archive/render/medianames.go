package render

import (
	"fmt"
	"hash/fnv"
	"hash/maphash"
	"path"
	"strings"
)

// Bounds on media names in the output.
const (
	// maxNameTries bounds the names tried for one media file before it
	// is left out as missing.
	maxNameTries = 8
	// maxMediaPath and maxMediaPart bound an output path and each of
	// its components, in bytes: file systems refuse long names (255
	// bytes a component, 260 a path on Windows), which would stop the
	// rendering. Mastodon's paths are under 100 bytes.
	maxMediaPath = 200
	maxMediaPart = 100
	// maxShortBase bounds the file name kept in a hashed name.
	maxShortBase = 48
)

// mediaNames gives the media files of an archive their paths in the
// output. A file keeps its archive path under media/ when it can: the
// path is stable and readable. Archive paths are case-sensitive while
// the file systems of macOS and Windows are not, and a hostile archive
// can name a file like another file's folder; so names are compared
// case-insensitively, files against folders too, and a file whose name
// is taken gets a distinct one with a short hash of its archive path
// (A.png, then a-1b2c3d4e.png); so does a file whose path is too long
// for some file system. The same archive path always gets the same
// name.
//
// The table holds hashes, not names: about 24 bytes for each file and
// each folder of the output's media.
type mediaNames struct {
	seed  maphash.Seed
	taken map[uint64]nameUse // by hash of the lower-case output path
}

// nameUse is what an output path is used for.
type nameUse struct {
	exact uint64 // file: hash of its archive path; folder: hash of its spelling
	dir   bool
}

func newMediaNames() mediaNames {
	return mediaNames{seed: maphash.MakeSeed(), taken: map[uint64]nameUse{}}
}

// assign returns the output path of the media file at archive path p,
// and false when no name could be found for it.
func (m *mediaNames) assign(p string) (string, bool) {
	want := "media/" + safePath(p)
	exact := maphash.String(m.seed, p)
	dir, base := path.Split(want)
	ext := path.Ext(base)
	if ext == base {
		ext = ""
	}
	stem := strings.TrimSuffix(base, ext)
	if len(ext) > 16 {
		ext = ".bin" // a name still ending in an extension, never none
	}
	if fits(want) {
		if m.claim(want, exact) {
			return want, true
		}
		// The same folder with a hash suffix: a.png becomes
		// a-1b2c3d4e.png.
		if name := fmt.Sprintf("%s%s-%08x%s", dir, stem, uint32(fnvOf(p, 0)), ext); fits(name) && m.claim(name, exact) {
			return name, true
		}
	}
	// The folder itself is taken (by a file, or by another spelling),
	// or the name is too long: a flat folder of hashed names.
	if len(stem) > maxShortBase {
		stem = stem[:maxShortBase]
	}
	for i := 1; i < maxNameTries; i++ {
		if name := fmt.Sprintf("media/_/%012x-%s%s", fnvOf(p, i)&(1<<48-1), stem, ext); m.claim(name, exact) {
			return name, true
		}
	}
	return "", false
}

// fits reports whether an output path is short enough for every file
// system.
func fits(name string) bool {
	if len(name) > maxMediaPath {
		return false
	}
	for part := range strings.SplitSeq(name, "/") {
		if len(part) > maxMediaPart {
			return false
		}
	}
	return true
}

// claim records name as the output path of the file whose archive path
// has hash exact, and reports whether it could: false when the name,
// in any case, is another file or a folder, or one of its folders is a
// file or is spelled otherwise.
func (m *mediaNames) claim(name string, exact uint64) bool {
	if u, ok := m.taken[m.key(name)]; ok {
		return !u.dir && u.exact == exact
	}
	var dirs []string
	for d := path.Dir(name); d != "."; d = path.Dir(d) {
		u, ok := m.taken[m.key(d)]
		if !ok {
			dirs = append(dirs, d)
			continue
		}
		if !u.dir || u.exact != maphash.String(m.seed, d) {
			return false
		}
		break // its own folders were recorded with it
	}
	m.taken[m.key(name)] = nameUse{exact: exact}
	for _, d := range dirs {
		m.taken[m.key(d)] = nameUse{exact: maphash.String(m.seed, d), dir: true}
	}
	return true
}

// key is the hash of an output path as a case-insensitive file system
// sees it. Output paths are ASCII (see safePath), so lower-casing ASCII
// letters is all the folding there is.
func (m *mediaNames) key(name string) uint64 {
	return maphash.String(m.seed, strings.ToLower(name))
}

// fnvOf is a stable hash of an archive path and a try number, for the
// suffixes of renamed files: the same archive gives the same names.
func fnvOf(p string, i int) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s\x00%d", p, i)
	return h.Sum64()
}

// safePath returns the slash-separated path p with every byte but ASCII
// letters, digits, '.', '-' and '_' replaced by '_', so that the name
// is valid on every file system, means the same in every Unicode
// normalisation and has no case folding beyond ASCII. Names Windows
// reserves for devices (CON, NUL, COM1, ...) and names ending in a dot
// get a '_' too. Mastodon's media paths are left as they are.
func safePath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		b := []byte(s)
		for j, c := range b {
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-' || c == '_') {
				b[j] = '_'
			}
		}
		if n := len(b); n > 0 && b[n-1] == '.' {
			b[n-1] = '_'
		}
		s = string(b)
		stem, _, _ := strings.Cut(s, ".")
		if reservedName(stem) {
			s = "_" + s
		}
		parts[i] = s
	}
	return strings.Join(parts, "/")
}

// reservedName reports whether s is a device name Windows reserves.
func reservedName(s string) bool {
	switch strings.ToUpper(s) {
	case "CON", "PRN", "AUX", "NUL":
		return true
	}
	if len(s) == 4 && '0' <= s[3] && s[3] <= '9' {
		switch strings.ToUpper(s[:3]) {
		case "COM", "LPT":
			return true
		}
	}
	return false
}
