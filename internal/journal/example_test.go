package journal_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/fediport/fediport/internal/journal"
)

// A job records each unit it finished; after a crash, it opens the
// journal again with the same header and skips what the journal holds.
func Example() {
	dir, err := os.MkdirTemp("", "journal-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "job.journal")
	header := []byte(`{"job":"move alice"}`)

	j, err := journal.Open(path, header)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, unit := range []string{"inbox-1", "inbox-2"} {
		if err := j.Append([]byte(unit)); err != nil {
			fmt.Println(err)
			return
		}
	}
	j.Close()

	// Later, maybe after a crash: the same header reopens it.
	j, err = journal.Open(path, header)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer j.Close()
	for rec, err := range j.Replay() {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("done: %s\n", rec)
	}
	_, err = journal.Open(path, []byte(`{"job":"another"}`))
	fmt.Println(errors.Is(err, journal.ErrMismatch))
	// Output:
	// done: inbox-1
	// done: inbox-2
	// true
}
