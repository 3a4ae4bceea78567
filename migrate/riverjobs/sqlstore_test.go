package riverjobs_test

import (
	"context"
	"database/sql"
	"errors"
	"iter"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fediport/fediport/migrate"
	"github.com/fediport/fediport/migrate/migratetest"
)

// sqlStore is the store a host of riverjobs keeps beside its queue: the
// relationships of its local accounts in SQLite, read and written by the
// TransferWorker's migrate.Transfer and streamed by Enqueuer.Transfer. It
// is what migratetest's conformance check is for: a host's own store.
type sqlStore struct{ db *sql.DB }

const sqlStoreSchema = `
CREATE TABLE rel (
	local TEXT NOT NULL, account TEXT NOT NULL,
	following BOOLEAN NOT NULL DEFAULT false, requested BOOLEAN NOT NULL DEFAULT false,
	show_boosts BOOLEAN NOT NULL DEFAULT false, notify BOOLEAN NOT NULL DEFAULT false, languages TEXT NOT NULL DEFAULT '',
	blocking BOOLEAN NOT NULL DEFAULT false, muting BOOLEAN NOT NULL DEFAULT false, mute_notifications BOOLEAN NOT NULL DEFAULT false,
	PRIMARY KEY (local, account));
CREATE TABLE list_member (local TEXT NOT NULL, account TEXT NOT NULL, list TEXT NOT NULL, PRIMARY KEY (local, account, list));`

func newSQLStore(t *testing.T) *sqlStore {
	t.Helper()
	db, err := sql.Open("sqlite", sqliteDSN(filepath.Join(t.TempDir(), "store.db")))
	must(t, err)
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	_, err = db.Exec(sqlStoreSchema)
	must(t, err)
	return &sqlStore{db: db}
}

// upsert sets columns of the (local, account) row, making it if needed.
func (s *sqlStore) upsert(ctx context.Context, local, account, set string, args ...any) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO rel (local, account) VALUES (?, ?) ON CONFLICT DO NOTHING`, local, account)
	if err == nil {
		_, err = s.db.ExecContext(ctx, `UPDATE rel SET `+set+` WHERE local = ? AND account = ?`, append(args, local, account)...)
	}
	return err
}

func (s *sqlStore) seed(local, account string, r migrate.Relationship) error {
	ctx := context.Background()
	err := s.upsert(ctx, local, account, `following = ?, requested = ?, show_boosts = ?, notify = ?, languages = ?, blocking = ?, muting = ?, mute_notifications = ?`,
		r.Following, r.Requested, r.Settings.ShowBoosts, r.Settings.Notify, strings.Join(r.Settings.Languages, ","), r.Blocking, r.Muting, r.MuteNotifications)
	if err != nil {
		return err
	}
	return s.AddToLists(ctx, local, account, r.Lists)
}

func (s *sqlStore) Relationship(ctx context.Context, local, account string) (migrate.Relationship, error) {
	var r migrate.Relationship
	var langs string
	err := s.db.QueryRowContext(ctx, `SELECT following, requested, show_boosts, notify, languages, blocking, muting, mute_notifications FROM rel WHERE local = ? AND account = ?`, local, account).
		Scan(&r.Following, &r.Requested, &r.Settings.ShowBoosts, &r.Settings.Notify, &langs, &r.Blocking, &r.Muting, &r.MuteNotifications)
	if errors.Is(err, sql.ErrNoRows) {
		return migrate.Relationship{}, nil
	}
	if err != nil {
		return r, err
	}
	if langs != "" {
		r.Settings.Languages = strings.Split(langs, ",")
	}
	rows, err := s.db.QueryContext(ctx, `SELECT list FROM list_member WHERE local = ? AND account = ? ORDER BY list`, local, account)
	if err != nil {
		return r, err
	}
	defer rows.Close()
	for rows.Next() {
		var l string
		if err := rows.Scan(&l); err != nil {
			return r, err
		}
		r.Lists = append(r.Lists, l)
	}
	return r, rows.Err()
}

// LocalRelated pages by key, 100 at a time, each page read whole before
// it is yielded (the one connection is free for the transfer's writes).
func (s *sqlStore) LocalRelated(ctx context.Context, account string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		after := ""
		for {
			rows, err := s.db.QueryContext(ctx, `SELECT local FROM rel WHERE account = ? AND local > ? AND (following OR requested OR blocking OR muting) ORDER BY local LIMIT 100`, account, after)
			if err != nil {
				yield("", err)
				return
			}
			var page []string
			for rows.Next() {
				var l string
				if err := rows.Scan(&l); err != nil {
					rows.Close()
					yield("", err)
					return
				}
				page = append(page, l)
			}
			err = rows.Err()
			rows.Close()
			if err != nil {
				yield("", err)
				return
			}
			if len(page) == 0 {
				return
			}
			for _, l := range page {
				if !yield(l, nil) {
					return
				}
			}
			after = page[len(page)-1]
		}
	}
}

func (s *sqlStore) Follow(ctx context.Context, local, target string, set migrate.FollowSettings) (migrate.FollowState, error) {
	err := s.upsert(ctx, local, target, `following = true, show_boosts = ?, notify = ?, languages = ?`, set.ShowBoosts, set.Notify, strings.Join(set.Languages, ","))
	if err != nil {
		return 0, err
	}
	return migrate.FollowAccepted, nil
}

func (s *sqlStore) Unfollow(ctx context.Context, local, account string) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE rel SET following = false, requested = false, show_boosts = false, notify = false, languages = '' WHERE local = ? AND account = ?`, local, account); err != nil {
		return err
	}
	_, err := s.db.ExecContext(ctx, `DELETE FROM list_member WHERE local = ? AND account = ?`, local, account)
	return err
}

func (s *sqlStore) AddToLists(ctx context.Context, local, account string, lists []string) error {
	for _, l := range lists {
		if _, err := s.db.ExecContext(ctx, `INSERT INTO list_member (local, account, list) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, local, account, l); err != nil {
			return err
		}
	}
	return nil
}

func (s *sqlStore) Block(ctx context.Context, local, account string) error {
	return s.upsert(ctx, local, account, `blocking = true`)
}

func (s *sqlStore) Mute(ctx context.Context, local, account string, notifications bool) error {
	return s.upsert(ctx, local, account, `muting = true, mute_notifications = ?`, notifications)
}

// TestSQLStoreConforms runs migratetest's conformance check against a
// host's SQL store, the kind riverjobs' users keep beside their queue.
func TestSQLStoreConforms(t *testing.T) {
	migratetest.TestTransferStore(t, func(t *testing.T) (migratetest.Store, migratetest.Seed) {
		s := newSQLStore(t)
		return s, s.seed
	})
}
