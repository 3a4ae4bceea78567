package riverjobs

import (
	"github.com/fediport/fediport/migrate"
	"github.com/riverqueue/river"
)

// Kinds of the jobs of this package, as River stores them.
const (
	KindTransfer = "fediport_transfer"
	KindDelivery = "fediport_delivery"
)

// TransferArgs is the job of one [migrate.TransferUnit]. Jobs are unique
// by unit: Move is not part of the key.
type TransferArgs struct {
	Move   string `json:"move"` // the id of the accepted Move
	Local  string `json:"local" river:"unique"`
	Origin string `json:"origin" river:"unique"`
	Target string `json:"target" river:"unique"`
}

// Kind returns [KindTransfer].
func (TransferArgs) Kind() string { return KindTransfer }

// InsertOpts makes the job unique by its unit.
func (TransferArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// Unit returns the unit the job runs.
func (a TransferArgs) Unit() migrate.TransferUnit {
	return migrate.TransferUnit{Local: a.Local, Origin: a.Origin, Target: a.Target}
}

// DeliveryArgs is the job of one [migrate.DeliveryUnit]: one activity to
// one inbox, signed as Actor. Jobs are unique by activity id and inbox.
type DeliveryArgs struct {
	Move       string `json:"move"`  // the id of the Move the activity belongs to
	Actor      string `json:"actor"` // the sending account, whose key signs
	ActivityID string `json:"activity_id" river:"unique"`
	Inbox      string `json:"inbox" river:"unique"`
	// Activity is the encoded activity, held as a string so that its
	// bytes reach the inbox unchanged (PostgreSQL's jsonb would reorder
	// an object's members).
	Activity string `json:"activity"`
}

// Kind returns [KindDelivery].
func (DeliveryArgs) Kind() string { return KindDelivery }

// InsertOpts makes the job unique by activity and inbox.
func (DeliveryArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// Unit returns the unit the job runs.
func (a DeliveryArgs) Unit() migrate.DeliveryUnit {
	return migrate.DeliveryUnit{Inbox: a.Inbox, Activity: []byte(a.Activity)}
}
