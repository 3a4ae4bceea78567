package activitypub_test

import (
	"os"
	"testing"

	"github.com/fediport/fediport/activitypub"
)

func BenchmarkParseActor(b *testing.B) {
	data, err := os.ReadFile("testdata/actors/actor-remote.json")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := activitypub.ParseActor(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMarshalActor(b *testing.B) {
	data, err := os.ReadFile("testdata/actors/actor-remote.json")
	if err != nil {
		b.Fatal(err)
	}
	a, err := activitypub.ParseActor(data)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := a.MarshalJSON(); err != nil {
			b.Fatal(err)
		}
	}
}
