module github.com/fediport/fediport/examples/move-jobs

go 1.26.0

require (
	github.com/fediport/fediport v0.0.0-00010101000000-000000000000
	github.com/fediport/fediport/migrate/riverjobs v0.0.0-00010101000000-000000000000
)

replace (
	github.com/fediport/fediport => ../..
	github.com/fediport/fediport/migrate/riverjobs => ../../migrate/riverjobs
)
