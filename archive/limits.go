package archive

// Limits bound what a [Reader] accepts from an archive, as a defence
// against hostile files. A zero field means its default; a negative field
// means no limit. Exceeding one gives a [*LimitError] naming the field,
// which wraps [ErrLimit].
type Limits struct {
	// MaxTotalBytes bounds the sum of the uncompressed sizes of all
	// entries. Default 64 GiB.
	MaxTotalBytes int64
	// MaxEntryBytes bounds the uncompressed size of one entry. Default
	// 16 GiB.
	MaxEntryBytes int64
	// MaxCompressionRatio bounds uncompressed size / compressed size, per
	// ZIP entry, over the whole ZIP (entries that overlap to share their
	// compressed bytes) and over a whole .tar.gz stream, once more than
	// 1 MiB has been inflated. Default 500 (real outboxes compress 5 to
	// 30 times; deflate cannot exceed about 1032).
	MaxCompressionRatio int64
	// MaxEntries bounds the number of entries. Default 1,000,000.
	MaxEntries int
	// MaxDepth bounds the nesting of one JSON item. Default 64 (Mastodon
	// items nest about 6 deep).
	MaxDepth int
	// MaxItemBytes bounds the size of one JSON item: an outbox activity,
	// a like, any top-level member of a collection. Default 4 MiB. It also bounds the memory a collection decoder uses
	// (about three times this).
	MaxItemBytes int
}

// Default limits; see [Limits].
const (
	DefaultMaxTotalBytes       = 64 << 30
	DefaultMaxEntryBytes       = 16 << 30
	DefaultMaxCompressionRatio = 500
	DefaultMaxEntries          = 1_000_000
	DefaultMaxDepth            = 64
	DefaultMaxItemBytes        = 4 << 20
)

// ratioFloor is how much must be inflated before the compression ratio
// is checked: small runs of zeros compress far beyond any sane ratio.
const ratioFloor = 1 << 20

func (l Limits) withDefaults() Limits {
	const unlimited = int64(1) << 62
	fix64 := func(v *int64, def int64) {
		switch {
		case *v == 0:
			*v = def
		case *v < 0:
			*v = unlimited
		}
	}
	fix := func(v *int, def int) {
		switch {
		case *v == 0:
			*v = def
		case *v < 0:
			*v = int(unlimited >> 2)
		}
	}
	fix64(&l.MaxTotalBytes, DefaultMaxTotalBytes)
	fix64(&l.MaxEntryBytes, DefaultMaxEntryBytes)
	fix64(&l.MaxCompressionRatio, DefaultMaxCompressionRatio)
	fix(&l.MaxEntries, DefaultMaxEntries)
	fix(&l.MaxDepth, DefaultMaxDepth)
	fix(&l.MaxItemBytes, DefaultMaxItemBytes)
	return l
}
