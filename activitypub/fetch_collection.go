package activitypub

import (
	"context"
	"encoding/json"
	"iter"
	"net/url"
	"strings"
)

// CollectionItem is one item of a fetched collection: an IRI, or an
// embedded object kept as raw JSON.
type CollectionItem struct {
	// ID is the item's IRI: the item itself when it is a string, its "id"
	// when it is an object ("" for an object without one).
	ID string
	// Raw is the item as it was: a JSON string or object.
	Raw json.RawMessage
}

// collectionPage holds the members of a collection or page that paging
// needs; items are decoded one by one.
type collectionPage struct {
	ID           string            `json:"id"`
	First        json.RawMessage   `json:"first"`
	Next         json.RawMessage   `json:"next"`
	OrderedItems []json.RawMessage `json:"orderedItems"`
	Items        []json.RawMessage `json:"items"`
}

// FetchCollection fetches the Collection or OrderedCollection at rawURL
// (with [Client.Fetch]; its id must be rawURL or a URL on the host that
// served it) and yields its items page by page: the collection's own items, then those of
// its "first" page and each "next" page, embedded or fetched. Pages must
// live on the collection's host (else [FetchIDMismatch]); a page seen twice
// ends the iteration; more than c.MaxPages pages is a *[FetchError] with
// reason [FetchTooManyPages]. Each page is capped at c.MaxBytes bytes and c.Timeout.
//
// The sequence is single use. A fetch or decoding error is yielded once,
// with a zero item, and ends it; breaking out of the loop early stops
// fetching.
func (c *Client) FetchCollection(ctx context.Context, rawURL string) iter.Seq2[CollectionItem, error] {
	return func(yield func(CollectionItem, error) bool) {
		maxPages := c.MaxPages
		if maxPages <= 0 {
			maxPages = DefaultMaxPages
		}
		resp, err := c.get(ctx, rawURL, AcceptActivityJSON, activityMediaTypes, true)
		if err != nil {
			yield(CollectionItem{}, err)
			return
		}
		page, err := decodePage(resp.body, rawURL)
		if err != nil {
			yield(CollectionItem{}, err)
			return
		}
		if page.ID != "" {
			if err := checkID(page.ID, rawURL, resp.url); err != nil {
				yield(CollectionItem{}, err)
				return
			}
		}
		host := resp.url.Host
		seen := map[string]bool{strings.TrimSuffix(rawURL, "#"): true, page.ID: true}
		if !yieldItems(page, yield) {
			return
		}
		link := page.First
		for pages := 1; ; pages++ {
			if isNullLink(link) {
				return
			}
			if pages >= maxPages {
				yield(CollectionItem{}, fetchErr(rawURL, FetchTooManyPages, "more than %d", maxPages))
				return
			}
			var next string
			if err := json.Unmarshal(link, &next); err == nil {
				if next == "" || seen[next] {
					return
				}
				if u, err := url.Parse(next); err != nil || !strings.EqualFold(u.Host, host) {
					yield(CollectionItem{}, fetchErr(rawURL, FetchIDMismatch, "page %q is on another host", next))
					return
				}
				seen[next] = true
				resp, err := c.get(ctx, next, AcceptActivityJSON, activityMediaTypes, true)
				if err != nil {
					yield(CollectionItem{}, err)
					return
				}
				if page, err = decodePage(resp.body, next); err != nil {
					yield(CollectionItem{}, err)
					return
				}
			} else {
				// An embedded page, as Mastodon embeds "first".
				if page, err = decodePage(link, rawURL); err != nil {
					yield(CollectionItem{}, err)
					return
				}
				if page.ID != "" {
					if seen[page.ID] && pages > 1 {
						return
					}
					seen[page.ID] = true
				}
			}
			if !yieldItems(page, yield) {
				return
			}
			link = page.Next
		}
	}
}

func decodePage(data []byte, where string) (*collectionPage, error) {
	var p collectionPage
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, &FetchError{URL: where, Reason: FetchMalformed, Err: err}
	}
	return &p, nil
}

func yieldItems(p *collectionPage, yield func(CollectionItem, error) bool) bool {
	for _, items := range [][]json.RawMessage{p.OrderedItems, p.Items} {
		for _, raw := range items {
			item := CollectionItem{Raw: raw}
			if err := json.Unmarshal(raw, &item.ID); err != nil {
				var obj struct {
					ID string `json:"id"`
				}
				_ = json.Unmarshal(raw, &obj)
				item.ID = obj.ID
			}
			if !yield(item, nil) {
				return false
			}
		}
	}
	return true
}

func isNullLink(raw json.RawMessage) bool {
	return len(raw) == 0 || string(raw) == "null"
}
