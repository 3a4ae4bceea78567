package atomicfile_test

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/fediport/fediport/internal/atomicfile"
)

func ExampleWrite() {
	dir, err := os.MkdirTemp("", "atomicfile")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	name := filepath.Join(dir, "report.csv")
	err = atomicfile.Write(name, 0o600, func(w io.Writer) error {
		_, err := io.WriteString(w, "bob@remote.example\n")
		return err
	})
	if err != nil {
		panic(err)
	}
	b, _ := os.ReadFile(name)
	fmt.Print(string(b))
	// Output: bob@remote.example
}
