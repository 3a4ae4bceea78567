package heapsample_test

import (
	"fmt"

	"github.com/fediport/fediport/internal/heapsample"
)

var sink []byte

func ExamplePeak() {
	peak := heapsample.Peak(func() {
		sink = make([]byte, 64<<20)
		sink[0] = 1
	})
	sink = nil
	fmt.Println(peak >= 64<<20)
	// Output: true
}
