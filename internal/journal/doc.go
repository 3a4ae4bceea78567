// Package journal is an append-only file of records that survives a
// crash: the one crash-safe log of fediport, used by the importer for the
// actions of a plan it finished, by migrate for the (activity, inbox)
// pairs it delivered and by post import for the statuses it created.
//
// A journal is bound to one job by its header, an opaque byte string
// the caller chooses (a plan and its hash, a job's identity): [Open]
// creates the file with that header, or opens an existing one only if
// its header is the same byte for byte ([ErrMismatch] otherwise), and
// [ReadHeader] recovers the header of an existing journal, so that an
// interrupted job can restart with exactly what it started with. The
// records that follow are opaque payloads too (small JSON, typically);
// [Journal.Replay] yields them in the order they were appended and
// [Journal.Append] adds one.
//
// # Format
//
// The file is UTF-8 lines, each ending in LF. The first line is the magic
// "fediport-journal 1". Every later line is a payload, a tab, and the
// CRC-32 (IEEE) of the payload as 8 lowercase hex digits. The second line
// is the header; the others are records, in append order. A payload
// cannot hold an LF; a tab in it is fine (the checksum follows the last
// tab).
//
// # Durability
//
// A new journal is written whole (magic and header) under a temporary
// name, synced, renamed into place and its folder synced, so a crash
// leaves either no journal or one with a complete header. A record
// counts once [Journal.Append] returns: it is written and fsync'd
// first. Appends of concurrent callers share one write and one fsync
// (group commit), so many workers cost one sync per round, not one each.
//
// A crash can leave the last record cut short (or its bytes not yet on
// disk). [Open] drops such a torn last record, cuts it from the file and
// syncs it; since its Append had not returned, nothing counted is lost.
// Damage anywhere else (a bad checksum on a record that is followed by
// others, a line over [MaxRecordBytes], a bad magic or header) is not a
// crash's doing and fails with an [*Error] that gives the line and the
// byte offset and unwraps to [ErrCorrupt]; the file is left as it was.
//
// # Limits
//
// A header may be up to [MaxHeaderBytes], a record up to
// [MaxRecordBytes]; reading never holds more than one line in memory.
// A Journal is safe for concurrent use; one file must not be opened by
// two Journals (or processes) at once.
package journal
