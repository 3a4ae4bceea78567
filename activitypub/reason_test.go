package activitypub_test

import (
	"errors"
	"strconv"

	"github.com/fediport/fediport/activitypub"
)

// hasReason reports whether err is what a test wants: for a reason
// constant, a typed error of its kind whose Reason field (or, for a
// *MoveError, one of whose Reasons) is want; for a sentinel, an error
// that matches it.
func hasReason(err, want error) bool {
	switch w := want.(type) {
	case activitypub.SignatureReason:
		var e *activitypub.SignatureError
		return errors.As(err, &e) && e.Reason == w
	case activitypub.DocumentReason:
		var e *activitypub.DocumentError
		return errors.As(err, &e) && e.Reason == w
	case activitypub.MoveReason:
		// ParseMove reports a document that is not a Move as a
		// *DocumentError of the wrong type, wrapping MoveWrongType.
		var e *activitypub.MoveError
		var de *activitypub.DocumentError
		return errors.As(err, &e) && e.Has(w) ||
			errors.As(err, &de) && de.Reason == activitypub.DocumentWrongType && de.Err == w
	case activitypub.FetchReason:
		var e *activitypub.FetchError
		return errors.As(err, &e) && e.Reason == w
	case wantStatus:
		var e *activitypub.StatusError
		return errors.As(err, &e) && e.StatusCode == int(w)
	case activitypub.WebFingerReason:
		var e *activitypub.WebFingerError
		return errors.As(err, &e) && e.Reason == w
	}
	return errors.Is(err, want)
}

// wantStatus is a want of [hasReason]: a *StatusError with this status.
type wantStatus int

func (w wantStatus) Error() string { return "HTTP status " + strconv.Itoa(int(w)) }
