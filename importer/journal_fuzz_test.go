package importer

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fuzzJournalPlan is the plan FuzzJournal's journals are for.
func fuzzJournalPlan() *Plan {
	no := false
	return &Plan{Type: Lists, Mode: Overwrite, Actions: []Action{
		{Kind: ActionDeleteList, List: "Old"},
		{Kind: ActionCreateList, List: "Friends", Line: 1},
		{Kind: ActionFollow, Account: "a@x.example", Line: 1, Follow: FollowOptions{ShowBoosts: &no, Languages: []string{"de"}}},
		{Kind: ActionAddToList, List: "Friends", Account: "a@x.example", Line: 1},
		{Kind: ActionMute, Account: "loud@x.example", HideNotifications: &no},
		{Kind: ActionBlockDomain, Domain: "spam.example"},
		{Kind: ActionBookmark, URI: "https://x.example/statuses/1"},
	}}
}

// FuzzJournal decodes arbitrary bytes as the journal of a fixed plan,
// in memory (no file, no fsync, so short runs try many inputs). mode
// says how data is used: bit 0 set, data is the whole file; clear, it is
// the records that follow a valid header. Bit 1 set recomputes each record's checksum,
// so that the fuzzer gets past it to the records' JSON.
//
// The property: no panic; either a documented error, or outcomes for
// actions of the plan such that the intact part (up to end) decodes to
// the same outcomes with nothing torn, and a record appended there as
// [Journal.record] writes it is read back.
func FuzzJournal(f *testing.F) {
	plan := fuzzJournalPlan()
	hash, planJSON, err := planHash(plan)
	if err != nil {
		f.Fatal(err)
	}
	var header bytes.Buffer
	header.WriteString(journalMagic + "\n")
	header.WriteString(`{"hash":"` + hash + `","plan":`)
	header.Write(planJSON)
	header.WriteString("}\n")

	var records []byte
	for i, a := range plan.Actions {
		rec := journalLine{Index: i, Key: a.Key(), OK: i%3 != 0}
		if !rec.OK {
			rec.Err = "mastodonapi: POST /api/v1/accounts/1/follow: 422 Unprocessable Entity"
		}
		b, err := encodeRecord(rec)
		if err != nil {
			f.Fatal(err)
		}
		records = append(records, b...)
	}
	whole := append(bytes.Clone(header.Bytes()), records...)
	f.Add(records, uint8(0))
	f.Add(records[:len(records)/2], uint8(0))
	f.Add(records[:len(records)-3], uint8(2))
	f.Add(whole, uint8(1))
	f.Add(whole[:header.Len()-5], uint8(1))
	f.Add([]byte(journalMagic+"\n{}\n"), uint8(1))
	f.Add([]byte(`{"i":1,"key":"x","ok":true}`+"\t0\n"), uint8(2))
	f.Add([]byte{}, uint8(0))

	f.Fuzz(func(t *testing.T, data []byte, mode uint8) {
		if mode&2 != 0 {
			data = fixChecksums(data)
		}
		// decode reads a whole file, or records that follow the header
		// (without decoding the header again: that takes most of the
		// time of an input).
		decode := func(b []byte) (journalState, error) {
			if mode&1 != 0 {
				return decodeJournal(bytes.NewReader(b), "journal", plan, hash)
			}
			return decodeRecords(bufio.NewReader(bytes.NewReader(b)), "journal", plan, 0)
		}
		file := data
		st, err := decode(file)
		if err != nil {
			if !errors.Is(err, ErrJournalCorrupt) && !errors.Is(err, ErrJournalMismatch) {
				t.Fatalf("undocumented error: %v", err)
			}
			return
		}
		if st.end < 0 || st.end > int64(len(file)) || (mode&1 != 0 && st.end < int64(header.Len())) {
			t.Fatalf("end %d outside the file of %d bytes (header %d)", st.end, len(file), header.Len())
		}
		if st.torn == (st.end == int64(len(file))) {
			t.Fatalf("torn = %v with end %d of %d bytes", st.torn, st.end, len(file))
		}
		for i := range st.outcomes {
			if i < 0 || i >= len(plan.Actions) {
				t.Fatalf("outcome for action %d, not in the plan", i)
			}
		}
		intact := file[:st.end]
		again, err := decode(intact)
		if err != nil || again.torn || again.end != st.end {
			t.Fatalf("intact part: err %v, torn %v, end %d; want nil, false, %d", err, again.torn, again.end, st.end)
		}
		if diff := cmp.Diff(st.outcomes, again.outcomes, cmp.AllowUnexported(journalRecord{})); diff != "" {
			t.Fatalf("intact part decodes otherwise (-first +again):\n%s", diff)
		}
		// Resuming appends at end: the new record must be read back.
		next := -1
		for i := range plan.Actions {
			if _, ok := st.outcomes[i]; !ok {
				next = i
				break
			}
		}
		if next < 0 {
			return
		}
		b, err := encodeRecord(journalLine{Index: next, Key: plan.Actions[next].Key(), Err: "x\t\"\n"})
		if err != nil {
			t.Fatal(err)
		}
		appended, err := decode(append(bytes.Clone(intact), b...))
		if err != nil {
			t.Fatalf("after appending a record: %v", err)
		}
		if rec, ok := appended.outcomes[next]; !ok || rec.ok || rec.msg != "x\t\"\n" || len(appended.outcomes) != len(st.outcomes)+1 {
			t.Fatalf("appended record for %d read back as %+v (%d outcomes, had %d)", next, rec, len(appended.outcomes), len(st.outcomes))
		}
	})
}

// fixChecksums rewrites the checksum after the last tab of each line to
// match the text before it, so that fuzzed records pass the CRC check.
func fixChecksums(data []byte) []byte {
	var out []byte
	for len(data) > 0 {
		line, rest, found := bytes.Cut(data, []byte("\n"))
		data = rest
		if tab := bytes.LastIndexByte(line, '\t'); tab >= 0 {
			var b bytes.Buffer
			b.Write(line[:tab])
			b.WriteString("\t")
			fmt.Fprintf(&b, "%08x", crc32.ChecksumIEEE(line[:tab]))
			line = b.Bytes()
		}
		out = append(out, line...)
		if found {
			out = append(out, '\n')
		}
	}
	return out
}
