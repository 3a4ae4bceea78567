package archive

import "testing"

// TestValidateProgress: Validate calls Config.Progress once per outbox
// item read, counting up to the report's Items, in every form of
// archive.
func TestValidateProgress(t *testing.T) {
	for _, path := range []string{fixtureZip, fixtureTarGz, fixtureOutbox} {
		t.Run(path, func(t *testing.T) {
			var calls, last int64
			c := Config{Progress: func(p Progress) {
				calls++
				if p.Items != last+1 {
					t.Errorf("Items %d after %d", p.Items, last)
				}
				last = p.Items
			}}
			r, err := c.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			rep := r.Validate()
			if want := int64(rep.Items); want == 0 || last != want || calls != want {
				t.Errorf("progress ended at %d after %d calls, want %d items", last, calls, want)
			}
		})
	}
}
