package poststest_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/fediport/fediport/importer/mastodonapi"
	"github.com/fediport/fediport/importer/posts/poststest"
)

// A GoToSocial-like server backdates a status posted with scheduled_at
// in the past, and refuses one that would mention someone.
func Example() {
	srv := poststest.NewServer(true)
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()
	at := mustTime("2019-01-02T10:30:00Z")
	st, err := c.PostStatus(ctx, &mastodonapi.NewStatus{Status: "hello, 2019", ScheduledAt: at})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(st.CreatedAt.Format("2006-01-02"), len(srv.Statuses()))
	_, err = c.PostStatus(ctx, &mastodonapi.NewStatus{Status: "hi @bob@far.example", ScheduledAt: at})
	fmt.Println(err)
	// Output:
	// 2019-01-02 1
	// mastodonapi: POST /api/v1/statuses: 422 Unprocessable Entity: backdated statuses may not mention other accounts
}

func mustTime(s string) (t time.Time) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}
