// Package riverjobs runs package migrate's long work on River
// (github.com/riverqueue/river), a job queue in the host's own database:
// the transfer of a server's local followers after it accepted a Move
// (one [migrate.TransferUnit] per local account) and the delivery of an
// outgoing Move (one [migrate.DeliveryUnit] per inbox), spread over as
// many worker processes and machines as the database serves.
//
// It is a module of its own, so that programs using fediport without a
// job queue do not pull in River and its drivers:
//
//	go get github.com/fediport/fediport/migrate/riverjobs
//
// Its go.mod requires the core module at the version it is released with
// (each release tags migrate/riverjobs/vX.Y.Z after setting that
// requirement to the core's vX.Y.Z); its replace directive, pointing at
// the repository's root, serves development only and is ignored when the
// module is a dependency. In the repository, go.work lists both.
//
// # Use
//
// Once per database, run River's migrations (rivermigrate) and this
// package's own, [Migrate]. Register the workers with River:
//
//	workers := river.NewWorkers()
//	river.AddWorker(workers, &riverjobs.TransferWorker{Transfer: transfer})
//	river.AddWorker(workers, &riverjobs.DeliveryWorker{Deliverer: deliverers})
//
// An [Enqueuer] (its Client set; Queue, MaxAttempts and BatchSize
// optional) turns a Move into jobs in the caller's transaction: on a
// server receiving a Move, once a [migrate.Receiver] accepted it,
// [Enqueuer.Transfer] makes one job per local account related to the
// origin; on the server sending a Move, [Enqueuer.Delivery] turns the
// [migrate.Outgoing] into one job per inbox and activity. [Status] says
// how far a Move got: done, failed, pending. The workers' own Progress
// fields report each job as it ends, as migrate's in-process runners do.
//
// In tests, migrate/migratetest's Graph is an in-memory store for the
// TransferWorker's migrate.Transfer, and its TestTransferStore checks a
// store of your own.
//
// # Guarantees
//
// Jobs are unique: a unit is queued once however often its Move is
// enqueued, while River holds its job (completed jobs for
// river.Config.CompletedJobRetentionPeriod, 24 hours by default). A
// worker process that dies mid-job leaves it running until River rescues
// it (river.Config.RescueStuckJobsAfter) and runs it again elsewhere:
// transfer units are idempotent, so nothing is lost or done twice; a
// delivery whose inbox accepted it just before the crash is sent once
// more, which receiving servers ignore by activity id.
//
// Retries follow migrate's rules: a transfer unit that fails is retried
// with River's retry policy (a follow refused by the target is not a
// failure); a delivery that fails for good (a 4xx other than 408 and 429)
// is cancelled at once, and a temporary failure is retried after
// [migrate.Deliverer.RetryDelay] (full-jitter backoff, or the inbox's
// Retry-After when longer, however long).
//
// # Drivers
//
// The same code runs on River's SQLite driver (riversqlite over
// database/sql, one file, no server: one machine) and on PostgreSQL
// through River's pgx driver (riverpgxv5: many machines). With SQLite,
// open the database with a busy timeout and WAL, and one connection
// (db.SetMaxOpenConns(1)), as River advises.
package riverjobs
