package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
)

// fuzzJournalPlan is the plan FuzzJournalRecords's records are for.
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

// FuzzJournalRecords decodes arbitrary payloads, one a line, as the
// records of a fixed plan's journal. (The file's framing, checksums and
// torn tails are fuzzed in internal/journal.) The property: no panic;
// each payload is either an outcome of an action of the plan, recorded
// once, or an error; a payload the journal writes for an action not yet
// recorded is read back.
func FuzzJournalRecords(f *testing.F) {
	plan := fuzzJournalPlan()
	var records []byte
	for i, a := range plan.Actions {
		rec := journalLine{Index: i, Key: a.Key(), OK: i%3 != 0}
		if !rec.OK {
			rec.Err = "mastodonapi: POST /api/v1/accounts/1/follow: 422 Unprocessable Entity"
		}
		records = append(records, mustJSON(f, rec)...)
		records = append(records, '\n')
	}
	f.Add(records)
	f.Add(records[:len(records)/2])
	f.Add([]byte(`{"i":1,"key":"x","ok":true}`))
	f.Add([]byte(`{"i":1,"key":"create-list\u0000Friends","ok":true,"extra":1}`))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		outcomes := map[int]journalRecord{}
		for payload := range bytes.SplitSeq(data, []byte("\n")) {
			before := len(outcomes)
			err := decodeOutcome(payload, plan, outcomes)
			if err != nil {
				if len(outcomes) != before {
					t.Fatalf("failed record %q changed the outcomes", payload)
				}
				continue
			}
			if len(outcomes) != before+1 {
				t.Fatalf("record %q added %d outcomes", payload, len(outcomes)-before)
			}
		}
		for i := range outcomes {
			if i < 0 || i >= len(plan.Actions) {
				t.Fatalf("outcome for action %d, not in the plan", i)
			}
		}
		for i, a := range plan.Actions {
			if _, ok := outcomes[i]; ok {
				continue
			}
			b := mustJSON(t, journalLine{Index: i, Key: a.Key(), Err: "x\t\"\n"})
			if err := decodeOutcome(b, plan, outcomes); err != nil {
				t.Fatalf("record the journal writes: %v", err)
			}
			if rec := outcomes[i]; rec.ok || rec.msg != "x\t\"\n" {
				t.Fatalf("read back as %+v", rec)
			}
			if err := decodeOutcome(b, plan, outcomes); err == nil || errors.Is(err, ErrJournalCorrupt) {
				t.Fatalf("a second record of action %d: %v, want a plain error", i, err)
			}
			break
		}
	})
}

func mustJSON(tb testing.TB, v any) []byte {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
