package activitypub

import "encoding/json"

// securityContext is the W3ID security vocabulary that defines publicKey.
const securityContext = "https://w3id.org/security/v1"

// JSON-LD contexts and well-known IRIs.
const (
	// ActivityStreamsContext is the ActivityStreams 2.0 context, the
	// "@context" of every activity Mastodon sends.
	ActivityStreamsContext = "https://www.w3.org/ns/activitystreams"
	// PublicCollection is the special collection that addresses everyone.
	PublicCollection = "https://www.w3.org/ns/activitystreams#Public"
)

// mastodonActorContextExtensions is the term map Mastodon appends to the
// "@context" of actor documents (the third element of ActorContext).
const mastodonActorContextExtensions = `{"manuallyApprovesFollowers":"as:manuallyApprovesFollowers","toot":"http://joinmastodon.org/ns#","featured":{"@id":"toot:featured","@type":"@id"},"featuredTags":{"@id":"toot:featuredTags","@type":"@id"},"alsoKnownAs":{"@id":"as:alsoKnownAs","@type":"@id"},"movedTo":{"@id":"as:movedTo","@type":"@id"},"schema":"http://schema.org#","PropertyValue":"schema:PropertyValue","value":"schema:value","discoverable":"toot:discoverable","suspended":"toot:suspended","memorial":"toot:memorial","indexable":"toot:indexable","attributionDomains":{"@id":"toot:attributionDomains","@type":"@id"},"focalPoint":{"@container":"@list","@id":"toot:focalPoint"}}`

// ActorContext returns Mastodon's "@context" for actor documents: the
// ActivityStreams and security contexts followed by the term map of
// Mastodon's extensions (alsoKnownAs, movedTo, featured, PropertyValue,
// discoverable, suspended, ...). Each call returns a new slice.
func ActorContext() json.RawMessage {
	return json.RawMessage(`["` + ActivityStreamsContext + `","` + securityContext + `",` + mastodonActorContextExtensions + `]`)
}
