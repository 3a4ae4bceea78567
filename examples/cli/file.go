package cli

import (
	"io"
	"io/fs"

	"github.com/fediport/fediport/internal/atomicfile"
)

// WriteFile writes the file name whole or not at all: write fills a new
// file created under a temporary name in the same folder, which is synced
// and then renamed over name, and the folder is synced. A link planted
// under name is replaced, never followed, and no other file is truncated.
// On error nothing of the new file remains.
func WriteFile(name string, perm fs.FileMode, write func(io.Writer) error) error {
	return atomicfile.Write(name, perm, write)
}
