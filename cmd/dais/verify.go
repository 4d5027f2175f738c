package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/dais-meeting/dais/meeting/audit"
	"github.com/dais-meeting/dais/storage"
	"github.com/dais-meeting/dais/storage/bolt"
	"github.com/dais-meeting/dais/storage/redis"
)

// errNotVerified is a record that was read and does not verify.
var errNotVerified = errors.New("the meeting's record does not verify")

// verify checks a meeting's stored record (package meeting/audit): the
// audit chain, that every event fits, and that the ballots, the boxes and
// the results agree. It reads the store itself, not the server: a stopped
// node's bbolt file (read-only; a running node holds it) or the cluster's
// Redis.
func (c *client) verify(ctx context.Context, args []string, getenv func(string) string) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	data := fs.String("data", envOr(getenv, "DAIS_DATA", "./data"), "data folder of a stopped node's embedded store")
	redisURL := fs.String("redis-url", getenv("DAIS_REDIS_URL"), "the cluster's Redis (instead of -data)")
	prefix := fs.String("redis-prefix", envOr(getenv, "DAIS_REDIS_PREFIX", "dais:"), "prefix of the cluster's Redis keys")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if fs.NArg() != 1 {
		return usageError{"verify needs one meeting id"}
	}
	meetingID := fs.Arg(0)
	var (
		store storage.Store
		err   error
	)
	if *redisURL != "" {
		store, err = redis.Open(ctx, *redisURL, redis.Options{Prefix: *prefix})
	} else {
		store, err = bolt.Open(*data, bolt.Options{ReadOnly: true})
		if err != nil {
			err = fmt.Errorf("%w (a running node holds its file: stop it, or verify a copy)", err)
		}
	}
	if err != nil {
		return err
	}
	defer store.Close()
	rep, err := audit.Verify(ctx, store, meetingID)
	if err != nil {
		return err
	}
	if rep.Records == 0 {
		return fmt.Errorf("meeting %q has no events in this store", meetingID)
	}
	fmt.Fprintf(c.stdout, "meeting %s: %d events, %d polls checked\n", meetingID, rep.Records, rep.Polls)
	if rep.Unchained > 0 {
		fmt.Fprintf(c.stdout, "events 1–%d were stored before the audit chain: checked as events, not chained\n", rep.Unchained)
	}
	if rep.LastHash != "" {
		fmt.Fprintf(c.stdout, "last event %d, chain hash %s (compare with the minutes)\n", rep.LastSeq, rep.LastHash)
	}
	if rep.Problem != nil {
		fmt.Fprintf(c.stdout, "FAILED at event %d: %s\n", rep.Problem.Seq, rep.Problem.What)
		return errNotVerified
	}
	fmt.Fprintln(c.stdout, "OK: the chain, the events and the ballots agree")
	return nil
}
