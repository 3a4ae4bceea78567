// Package goap converts fediport's ActivityPub types to and from the
// vocabulary of github.com/go-ap/activitypub, for servers built on go-ap.
//
// Package activitypub speaks its own types: its decoders keep every
// member of a document (alsoKnownAs, movedTo, PropertyValue values,
// members nobody knows yet), which go-ap's drop. This package is the one
// place where the two meet:
//
//   - [ToMove] and [FromMove] convert a Move; FromMove returns it in
//     Mastodon's form, so it encodes byte for byte as [activitypub.NewMove]'s.
//   - [ToUpdate] and [FromUpdate] convert the Update that announces a
//     changed actor. ToUpdate embeds the fediport actor itself (see
//     [ActorItem]), so the go-ap Update encodes it in full, and
//     [Encode] with [activitypub.ActorContext] writes the same bytes as
//     [activitypub.Update.MarshalJSON].
//   - [ToActor] and [FromActor] convert an actor document to and from
//     go-ap's Actor struct, which has no field for Mastodon's extensions:
//     alsoKnownAs, movedTo, featured, manuallyApprovesFollowers,
//     discoverable, suspended and the other members go-ap does not know
//     are lost on the way to go-ap, and so are relative IRIs (an archive's
//     "outbox.json"). Use [ActorItem] to hand an actor to go-ap without
//     loss.
//
// Conversions are tested by round trips over fediport's test vectors and
// real documents from Mastodon and GoToSocial.
//
// # Compatibility
//
// go-ap publishes no tagged releases; this package is built and tested
// against the pseudo-version fediport's go.mod names.
package goap
