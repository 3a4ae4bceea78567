package export

import "time"

// MinInterval is the shortest time Mastodon allows between two archives
// of one account: 6 days (its interface says 7). [Retention] is how long
// it keeps an archive for download.
const (
	MinInterval = 6 * 24 * time.Hour
	Retention   = 7 * 24 * time.Hour
)

// NextAllowed returns when the next archive may be made, given when the
// last one was ([MinInterval] later). A zero last time means none was
// made, and NextAllowed returns the zero time: at once.
func NextAllowed(last time.Time) time.Time {
	if last.IsZero() {
		return time.Time{}
	}
	return last.Add(MinInterval)
}

// CheckRate applies Mastodon's rate policy: it returns nil when an
// archive may be made at now, the last having been made at last (zero
// for never), and a [*RateError] otherwise.
func CheckRate(last, now time.Time) error {
	next := NextAllowed(last)
	if next.IsZero() || !now.Before(next) {
		return nil
	}
	return &RateError{Last: last, Next: next}
}
