package migrate_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"iter"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/migrate"
)

// BenchmarkReceiveMove verifies signed Move requests: the HTTP signature
// (RSA-2048), the Digest, the Move's checks against a target held in
// memory, and the record.
func BenchmarkReceiveMove(b *testing.B) {
	key := testKey(b, 0)
	pem, _ := activitypub.MarshalPublicKeyPEM(&key.PublicKey)
	keyID := oldID + "#main-key"
	target := &activitypub.Actor{ID: newID, Inbox: newID + "/inbox", AlsoKnownAs: []string{oldID}}
	r := &migrate.Receiver{
		Verifier: &activitypub.Verifier{Keys: activitypub.KeyResolverFunc(func(context.Context, string, bool) (*activitypub.PublicKey, error) {
			return &activitypub.PublicKey{ID: keyID, Owner: oldID, PublicKeyPem: pem}, nil
		})},
		Actors:  migrate.ActorFetcherFunc(func(context.Context, string) (*activitypub.Actor, error) { return target, nil }),
		Records: migrate.MoveRecorderFunc(func(context.Context, string, string, time.Time, time.Time) (bool, error) { return true, nil }),
	}
	out, err := migrate.BuildMove(&activitypub.Actor{ID: oldID}, newID, time.Now())
	if err != nil {
		b.Fatal(err)
	}
	signed, _ := http.NewRequest(http.MethodPost, "https://fol.example/inbox", nil)
	if err := (&activitypub.Signer{KeyID: keyID, Key: key}).Sign(signed, out.Move); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(out.Move)))
	b.ReportAllocs()
	for b.Loop() {
		req := signed.Clone(context.Background())
		req.Body = io.NopCloser(bytes.NewReader(out.Move))
		req.RequestURI = "/inbox"
		if _, err := r.ReceiveRequest(context.Background(), req); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "moves/s")
}

// benchGraph is a store of n local followers of the origin whose state
// is a pointer-free slice, names made from indexes, so that the live heap
// measured is the transfer's own and the collector's work does not grow
// with n.
type benchGraph struct {
	state []atomic.Uint32 // bit 0: follows origin, bit 1: follows target
}

const benchPrefix = "https://fol.example/users/u"

func newBenchGraph(n int) *benchGraph {
	g := &benchGraph{state: make([]atomic.Uint32, n)}
	for i := range g.state {
		g.state[i].Store(1)
	}
	return g
}

func (g *benchGraph) at(local string) *atomic.Uint32 {
	i, _ := strconv.Atoi(strings.TrimPrefix(local, benchPrefix))
	return &g.state[i]
}

func (g *benchGraph) Relationship(_ context.Context, local, account string) (migrate.Relationship, error) {
	s := g.at(local).Load()
	bit := uint32(1)
	if account == newID {
		bit = 2
	}
	return migrate.Relationship{Following: s&bit != 0, Settings: migrate.FollowSettings{ShowBoosts: true}}, nil
}

func (g *benchGraph) LocalRelated(context.Context, string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		for i := range g.state {
			if g.state[i].Load()&1 != 0 && !yield(benchPrefix+strconv.Itoa(i), nil) {
				return
			}
		}
	}
}

func (g *benchGraph) Follow(_ context.Context, local, _ string, _ migrate.FollowSettings) (migrate.FollowState, error) {
	g.at(local).Or(2)
	return migrate.FollowAccepted, nil
}

func (g *benchGraph) Unfollow(_ context.Context, local, _ string) error {
	g.at(local).And(^uint32(1))
	return nil
}

// BenchmarkTransfer moves n local followers through an in-memory store
// with the default concurrency, and reports the peak growth of the live
// heap during the run (sampled every millisecond, GOGC=10), which stays
// flat as n grows.
func BenchmarkTransfer(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprintf("followers=%d", n), func(b *testing.B) {
			g := newBenchGraph(n)
			tr := &migrate.Transfer{Graph: g, Follows: g, Accounts: g}
			var peak uint64
			// Collect often, and watch the live heap (as of each GC):
			// garbage awaiting collection is not the transfer's memory.
			defer debug.SetGCPercent(debug.SetGCPercent(10))
			live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				for i := range g.state {
					g.state[i].Store(1)
				}
				runtime.GC()
				metrics.Read(live)
				base := live[0].Value.Uint64()
				stop := make(chan struct{})
				var wg sync.WaitGroup
				wg.Add(1)
				go func() {
					defer wg.Done()
					s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
					for {
						metrics.Read(s)
						if v := s[0].Value.Uint64(); v > base && v-base > peak {
							peak = v - base
						}
						select {
						case <-stop:
							return
						case <-time.After(time.Millisecond):
						}
					}
				}()
				b.StartTimer()
				stats, err := tr.RunAll(context.Background(), oldID, newID)
				b.StopTimer()
				close(stop)
				wg.Wait()
				if err != nil || stats.Followed != n {
					b.Fatalf("RunAll: %+v, %v", stats, err)
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(peak)/(1<<10), "peak-live-heap-KB")
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "followers/s")
		})
	}
}

// BenchmarkDeliver delivers one Move, signed (RSA-2048), to 10,000 inboxes
// of a loopback server, 16 at a time, through the Deliverer's default
// client, and reports the connections the server accepted. The server
// accepts without verifying ([BenchmarkReceiveMove] measures that side).
// Signing each request (its request target and host are signed) takes
// about nine tenths of the CPU time, so the rate is close to the number
// of cores divided by the time of one RSA-2048 signature.
func BenchmarkDeliver(b *testing.B) { benchDeliver(b, false) }

// BenchmarkDeliverTLS is [BenchmarkDeliver] over HTTPS, as inboxes are
// served, through a client set up as the default one (an
// activitypub.NewTransport keeping Concurrency idle connections per host)
// that trusts the test server's certificate.
func BenchmarkDeliverTLS(b *testing.B) { benchDeliver(b, true) }

func benchDeliver(b *testing.B, tls bool) {
	const inboxes, concurrency = 10_000, 16
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusAccepted)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	d := &migrate.Deliverer{
		Signer:       &activitypub.Signer{KeyID: oldID + "#main-key", Key: testKey(b, 0)},
		AllowPrivate: true, AllowHTTP: true,
		Concurrency: concurrency,
	}
	if tls {
		srv.StartTLS()
		tr := activitypub.NewTransport(true)
		tr.TLSClientConfig = srv.Client().Transport.(*http.Transport).TLSClientConfig
		tr.MaxIdleConnsPerHost = concurrency
		d.HTTPClient = &http.Client{Transport: tr}
	} else {
		srv.Start()
	}
	defer srv.Close()
	list := make([]string, inboxes)
	for i := range list {
		list[i] = fmt.Sprintf("%s/users/u%d/inbox", srv.URL, i)
	}
	b.ReportAllocs()
	for b.Loop() {
		rep, err := d.DeliverAll(context.Background(), moveBody, list)
		if err != nil || rep.Delivered != inboxes {
			b.Fatalf("DeliverAll: %+v, %v", rep, err)
		}
	}
	b.ReportMetric(float64(inboxes*b.N)/b.Elapsed().Seconds(), "deliveries/s")
	b.ReportMetric(float64(conns.Load())/float64(b.N), "conns/op")
}
