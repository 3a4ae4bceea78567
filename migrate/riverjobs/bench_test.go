package riverjobs_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/migrate"
	"github.com/fediport/fediport/migrate/riverjobs"
	"github.com/riverqueue/river"
)

// BenchmarkDeliveryJobs delivers the Update and the Move of an account
// to 5,000 inboxes of a loopback server (10,000 deliveries), signed with
// RSA-2048, as River jobs run by 16 workers in this process, beside
// migrate's BenchmarkDeliver (Deliverer.DeliverAll, concurrency 16). The
// rate counts the run, not the queuing, which it reports apart.
func BenchmarkDeliveryJobs(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchDeliveryJobs(b, openSQLite(b)) })
	b.Run("postgres", func(b *testing.B) {
		e, _ := openPostgres(b)
		benchDeliveryJobs(b, e)
	})
}

func benchDeliveryJobs[TTx any](b *testing.B, e *env[TTx]) {
	const inboxes, concurrency = 5_000, 16
	ctx := context.Background()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	must(b, err)
	d := &migrate.Deliverer{
		Signer:       &activitypub.Signer{KeyID: origin + "#main-key", Key: key},
		AllowPrivate: true, AllowHTTP: true,
		Concurrency: concurrency,
	}
	list := make([]string, inboxes)
	for i := range list {
		list[i] = fmt.Sprintf("%s/users/u%d/inbox", srv.URL, i)
	}
	ws := river.NewWorkers()
	river.AddWorker(ws, &riverjobs.DeliveryWorker{Deliverer: func(context.Context, string) (*migrate.Deliverer, error) { return d, nil }})
	c := e.client(b, ws, func(cfg *river.Config) {
		cfg.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: concurrency}}
		cfg.FetchCooldown = 10 * time.Millisecond
	})
	var run, queue time.Duration
	i := 0
	for b.Loop() {
		i++
		out, err := migrate.BuildMove(&activitypub.Actor{ID: origin}, target, time.Unix(1700000000+int64(i), 0))
		must(b, err)
		start := time.Now()
		tx, err := e.begin(ctx)
		must(b, err)
		enq, err := (&riverjobs.Enqueuer[TTx]{Client: c}).Delivery(ctx, tx, out, list)
		must(b, err)
		must(b, e.commit(ctx, tx))
		queue += time.Since(start)
		start = time.Now()
		for {
			p, err := riverjobs.Status(ctx, c, enq.Move)
			must(b, err)
			if p.Finished() {
				if p.Done != 2*inboxes {
					b.Fatalf("progress %+v", p)
				}
				break
			}
			time.Sleep(500 * time.Millisecond) // each poll scans the Move's jobs
		}
		run += time.Since(start)
	}
	b.ReportMetric(float64(2*inboxes*b.N)/run.Seconds(), "deliveries/s")
	b.ReportMetric(float64(2*inboxes*b.N)/queue.Seconds(), "queued/s")
}
