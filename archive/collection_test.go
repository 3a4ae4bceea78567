package archive

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
)

// referenceItems decodes doc whole with encoding/json and returns the
// elements of every "orderedItems" or "items" array of the top-level
// object, in order: what the streaming reader must yield.
func referenceItems(doc []byte) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("not an object: %v", err)
	}
	var items []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		if k := tok.(string); (k == "orderedItems" || k == "items") && len(v) > 0 && v[0] == '[' {
			var arr []json.RawMessage
			if err := json.Unmarshal(v, &arr); err != nil {
				return nil, err
			}
			for _, e := range arr {
				items = append(items, string(e))
			}
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("data after the object")
	}
	return items, nil
}

// streamedItems is what collectionItems yields from src, and whether it
// read the document to its end.
func streamedItems(src io.Reader) ([]string, error) {
	var info collectionInfo
	var items []string
	for it, err := range collectionItems(src, "outbox.json", Limits{}.withDefaults(), &info) {
		if err != nil {
			return items, err
		}
		items = append(items, string(it.value))
	}
	if !info.complete {
		return items, fmt.Errorf("pass ended before the end of the document")
	}
	return items, nil
}

// mastodonContext is the @context Mastodon 4.2 writes at the head of
// outbox.json (see testdata/ORIGIN.md).
func mastodonContext(tb testing.TB) string {
	tb.Helper()
	b, err := os.ReadFile("testdata/json/mastodon-4.2-outbox-context.json")
	if err != nil {
		tb.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// repeatedDoc builds an outbox whose members before each item array
// total about header bytes, with an array per entry of keys holding
// counts[i] items.
func repeatedDoc(context string, header int, keys []string, counts []int, itemPad int) []byte {
	var b bytes.Buffer
	pad := func(n int) {
		if n > 0 {
			fmt.Fprintf(&b, `"pad%d":"%s",`, b.Len(), strings.Repeat("x", n))
		}
	}
	b.WriteString(`{`)
	if context != "" {
		b.WriteString(`"@context":` + context + `,`)
	}
	b.WriteString(`"id":"outbox.json","type":"OrderedCollection","totalItems":7,`)
	n := 0
	for i, k := range keys {
		pad(header - b.Len()%(header+1))
		fmt.Fprintf(&b, `%q:[`, k)
		for j := range counts[i] {
			if j > 0 {
				b.WriteString(",")
			}
			item := strings.Replace(noteItem, "statuses/1", fmt.Sprintf("statuses/%d", n), 2)
			item = strings.Replace(item, "<p>hi</p>", "<p>"+strings.Repeat("é", (n*37)%(itemPad+1))+"</p>", 1)
			b.WriteString(item)
			n++
		}
		b.WriteString(`],`)
		header = (header*7 + 13) % (64<<10 + 1) // a different header before the next array
	}
	b.WriteString(`"last":true}`)
	return b.Bytes()
}

// TestCollectionMatchesPlainDecode compares what the streaming reader
// yields with a plain decode of the whole document, over headers from
// none to 64 KiB before each array and arrays repeated under both keys,
// read in whole, halved and odd-sized chunks.
func TestCollectionMatchesPlainDecode(t *testing.T) {
	t.Parallel()
	ctx := mastodonContext(t)
	layouts := []struct {
		name   string
		keys   []string
		counts []int
	}{
		{"one array", []string{"orderedItems"}, []int{151}},
		{"empty then full (Mastodon 4.2, 2024)", []string{"orderedItems", "orderedItems"}, []int{0, 151}},
		{"two full arrays", []string{"orderedItems", "orderedItems"}, []int{140, 11}},
		{"orderedItems then items", []string{"orderedItems", "items"}, []int{75, 76}},
		{"items then orderedItems", []string{"items", "orderedItems"}, []int{3, 148}},
		{"three arrays", []string{"orderedItems", "items", "orderedItems"}, []int{50, 0, 101}},
	}
	headers := []int{0, 1, 1477, 4095, 4096, 4097, 16 << 10, 32<<10 - 3, 64<<10 - 1, 64 << 10}
	readers := []struct {
		name string
		wrap func(io.Reader) io.Reader
	}{
		{"whole", func(r io.Reader) io.Reader { return r }},
		{"halves", iotest.HalfReader},
		{"odd chunks", func(r io.Reader) io.Reader { return &chunkReader{r: r, n: 4093} }},
	}
	for _, l := range layouts {
		for _, h := range headers {
			for _, withCtx := range []bool{true, false} {
				c := ""
				if withCtx {
					c = ctx
				}
				doc := repeatedDoc(c, h, l.keys, l.counts, 600)
				want, err := referenceItems(doc)
				if err != nil {
					t.Fatalf("%s header %d: reference decode: %v", l.name, h, err)
				}
				total := 0
				for _, n := range l.counts {
					total += n
				}
				if len(want) != total {
					t.Fatalf("%s: reference has %d items, want %d", l.name, len(want), total)
				}
				for _, rd := range readers {
					got, err := streamedItems(rd.wrap(bytes.NewReader(doc)))
					if err != nil {
						t.Errorf("%s, header %d, context %v, %s reads: %v", l.name, h, withCtx, rd.name, err)
						continue
					}
					if diff := cmp.Diff(want, got); diff != "" {
						t.Errorf("%s, header %d, context %v, %s reads: %d items, want %d (-want +got):\n%.2000s",
							l.name, h, withCtx, rd.name, len(got), len(want), diff)
					}
				}
			}
		}
	}
}

// chunkReader reads at most n bytes at a time.
type chunkReader struct {
	r io.Reader
	n int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(p) > c.n {
		p = p[:c.n]
	}
	return c.r.Read(p)
}

// TestMastodon42Outbox reads an outbox shaped as Mastodon 4.2 wrote them
// in 2024 (its real @context, then "orderedItems":[] and the real array)
// through the public Statuses, serial and parallel: every post is there,
// in order, with no error.
func TestMastodon42Outbox(t *testing.T) {
	t.Parallel()
	doc := repeatedDoc(mastodonContext(t), 0, []string{"orderedItems", "orderedItems"}, []int{0, 151}, 600)
	for _, workers := range []int{1, 4} {
		r := openString(t, Limits{}, string(doc))
		r.concurrency = workers
		var ids []string
		for s, err := range r.Statuses() {
			if err != nil {
				t.Fatalf("%d workers: status %d: %v", workers, len(ids), err)
			}
			ids = append(ids, s.ID)
		}
		if len(ids) != 151 {
			t.Fatalf("%d workers: %d statuses, want 151", workers, len(ids))
		}
		for i, id := range ids {
			if want := fmt.Sprintf("https://a.example/users/u/statuses/%d", i); id != want {
				t.Fatalf("%d workers: status %d is %s, want %s", workers, i, id, want)
			}
		}
		rep := r.Validate()
		if rep.Creates != 151 || len(rep.Errors) != 0 || rep.DuplicateItemArrays != 1 {
			t.Errorf("%d workers: Validate: %d creates, errors %v, %d duplicate arrays", workers, rep.Creates, rep.Errors, rep.DuplicateItemArrays)
		}
	}
}

// FuzzCollectionMatchesPlainDecode builds documents with a header of any
// size up to 64 KiB before each of up to three item arrays under either
// key, read in chunks of any size, and compares the streaming reader
// with a plain decode.
func FuzzCollectionMatchesPlainDecode(f *testing.F) {
	f.Add(uint16(0), uint8(0), uint8(151), uint8(0), uint8(0b001), uint16(600), uint16(0), true)
	f.Add(uint16(1477), uint8(140), uint8(11), uint8(0), uint8(0b000), uint16(600), uint16(4093), true)
	f.Add(uint16(65535), uint8(75), uint8(76), uint8(3), uint8(0b010), uint16(50), uint16(1), false)
	ctx := mastodonContext(f)
	f.Fuzz(func(t *testing.T, header uint16, n1, n2, n3, keyBits uint8, itemPad, chunk uint16, withCtx bool) {
		keys := []string{"orderedItems", "orderedItems", "orderedItems"}
		for i := range keys {
			if keyBits&(1<<i) != 0 {
				keys[i] = "items"
			}
		}
		// Few, small items keep each run fast; the header sizes and read
		// sizes are what move the array boundaries around the buffers.
		counts := []int{int(n1) % 24, int(n2) % 24, int(n3) % 24}
		if keyBits&0b1000 != 0 {
			keys, counts = keys[:2], counts[:2]
		}
		c := ""
		if withCtx {
			c = ctx
		}
		doc := repeatedDoc(c, int(header), keys, counts, int(itemPad%400))
		want, err := referenceItems(doc)
		if err != nil {
			t.Fatal(err)
		}
		var src io.Reader = bytes.NewReader(doc)
		if chunk > 0 {
			src = &chunkReader{r: src, n: int(chunk)}
		}
		got, err := streamedItems(src)
		if err != nil {
			t.Fatalf("after %d of %d items: %v", len(got), len(want), err)
		}
		if len(got) != len(want) {
			t.Fatalf("%d items, want %d", len(got), len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("item %d differs:\n got %.200s\nwant %.200s", i, got[i], want[i])
			}
		}
	})
}
