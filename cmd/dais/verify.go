package main

import (
	"context"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"

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
	expect := fs.String("expect", "", "SEQ:HASH printed by the minutes (or noted earlier): the chain must hold that link at that event")
	isConsultation := fs.Bool("consultation", false, "the id names a written consultation (lấy ý kiến): its chain, answers and summary")
	isConclusion := fs.Bool("conclusion", false, "the id names a conclusion or resolution: its chain, number and tasks")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if fs.NArg() != 1 {
		return usageError{"verify needs one meeting id (or -consultation ID, -conclusion ID)"}
	}
	meetingID := fs.Arg(0)
	if *isConsultation && *isConclusion {
		return usageError{"verify: -consultation or -conclusion, not both"}
	}
	if (*isConsultation || *isConclusion) && *expect != "" {
		return usageError{"verify: -expect is for a meeting's log"}
	}
	var (
		wantSeq  uint64
		wantHash string
	)
	if *expect != "" {
		seq, hash, ok := strings.Cut(*expect, ":")
		n, err := strconv.ParseUint(seq, 10, 64)
		if !ok || err != nil || n == 0 || len(hash) != 64 {
			return usageError{"-expect wants SEQ:HASH (the event number and its 64-hex-digit chain hash)"}
		}
		wantSeq, wantHash = n, strings.ToLower(hash)
	}
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
	switch {
	case *isConsultation:
		return c.verifyConsultation(ctx, store, meetingID)
	case *isConclusion:
		return c.verifyConclusion(ctx, store, meetingID)
	}
	rep, err := audit.Verify(ctx, store, meetingID)
	if err != nil {
		return err
	}
	if rep.Records == 0 {
		return fmt.Errorf("meeting %q has no events in this store", meetingID)
	}
	fmt.Fprintf(c.stdout, "meeting %s: %d events, %d polls checked\n", meetingID, rep.Records, rep.Polls)
	if rep.Recounted > 0 {
		fmt.Fprintf(c.stdout, "%d election round(s) counted again, name by name, from their stored ballots\n", rep.Recounted)
	}
	if rep.Unchained > 0 {
		fmt.Fprintf(c.stdout, "events 1–%d were stored before the audit chain: checked as events, not chained\n", rep.Unchained)
	}
	if rep.LastHash != "" {
		fmt.Fprintf(c.stdout, "last event %d, chain hash %s (compare with the minutes)\n", rep.LastSeq, rep.LastHash)
	}
	if rep.Problem == nil && wantSeq > 0 {
		recs, err := store.Read(ctx, meetingID, wantSeq, 1)
		if err != nil {
			return err
		}
		switch {
		case len(recs) == 0:
			rep.Problem = &audit.Problem{Seq: wantSeq, What: "is not in the log (the log is shorter than the record you hold)"}
		case hex.EncodeToString(recs[0].Hash) != wantHash:
			rep.Problem = &audit.Problem{Seq: wantSeq, What: fmt.Sprintf("its chain hash is %x, not %s: the record changed since that hash was taken", recs[0].Hash, wantHash)}
		default:
			fmt.Fprintf(c.stdout, "event %d has the expected chain hash\n", wantSeq)
		}
	}
	if rep.Problem != nil {
		fmt.Fprintf(c.stdout, "FAILED at event %d: %s\n", rep.Problem.Seq, rep.Problem.What)
		return errNotVerified
	}
	fmt.Fprintln(c.stdout, "OK: the chain, the events and the ballots agree")
	return nil
}

// errLogNotVerified is an office log that was read and does not verify.
var errLogNotVerified = errors.New("the log does not verify")

// verifyConsultation checks a written consultation's stored log: its chain,
// every answer (from a member, while open, every question once) and the
// stored summary counted again from the answers against all members.
func (c *client) verifyConsultation(ctx context.Context, store storage.Store, id string) error {
	rep, err := audit.VerifyConsultation(ctx, store, id)
	if err != nil {
		return err
	}
	if rep.Records == 0 {
		return fmt.Errorf("consultation %q has no events in this store", id)
	}
	fmt.Fprintf(c.stdout, "consultation %s: %d events, %s, %d of %d members answered\n", id, rep.Records, rep.Status, rep.Answered, rep.Members)
	c.printChain(rep)
	if rep.SummaryChecked {
		fmt.Fprintln(c.stdout, "the stored summary was counted again from the answers, against all members")
	}
	if rep.Problem != nil {
		fmt.Fprintf(c.stdout, "FAILED at event %d: %s\n", rep.Problem.Seq, rep.Problem.What)
		return errLogNotVerified
	}
	fmt.Fprintln(c.stdout, "OK: the chain, the answers and the summary agree")
	return nil
}

// verifyConclusion checks a conclusion's stored log (chain, approval and
// number, tasks' reports and reminders) and that its number is given to no
// other conclusion of the store and is the one its series' counter gave.
func (c *client) verifyConclusion(ctx context.Context, store storage.Store, id string) error {
	rep, err := audit.VerifyConclusion(ctx, store, id)
	if err != nil {
		return err
	}
	if rep.Records == 0 {
		return fmt.Errorf("conclusion %q has no events in this store", id)
	}
	fmt.Fprintf(c.stdout, "conclusion %s: %d events, %s, %d tasks, %d reports\n", id, rep.Records, rep.Status, rep.Tasks, rep.Reports)
	c.printChain(rep)
	if rep.Problem != nil {
		fmt.Fprintf(c.stdout, "FAILED at event %d: %s\n", rep.Problem.Seq, rep.Problem.What)
		return errLogNotVerified
	}
	if rep.Number > 0 {
		ids, err := store.Conclusions(ctx)
		if err != nil {
			return err
		}
		all := []audit.LogReport{rep}
		for _, other := range ids {
			if other == id {
				continue
			}
			r, err := audit.VerifyConclusion(ctx, store, other)
			if err != nil {
				return err
			}
			all = append(all, r)
		}
		probs, err := audit.CheckNumbers(ctx, all, store, id)
		if err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "number %s of %d: checked against %d other conclusions and the series' counter\n", rep.Numbered, rep.Year, len(all)-1)
		if len(probs) > 0 {
			for _, p := range probs {
				fmt.Fprintf(c.stdout, "FAILED: %s\n", p)
			}
			return errLogNotVerified
		}
	}
	fmt.Fprintln(c.stdout, "OK: the chain, the number and the tasks agree")
	return nil
}

func (c *client) printChain(rep audit.LogReport) {
	if m := rep.Imported; m != nil {
		fmt.Fprintf(c.stdout, "imported from archive %s after event %d (chain hash %s): read only in this store\n", m.Archive, m.Events, m.LastHash)
	}
	if rep.Unchained > 0 {
		fmt.Fprintf(c.stdout, "events 1–%d were stored before the audit chain: checked as events, not chained\n", rep.Unchained)
	}
	if rep.LastHash != "" {
		fmt.Fprintf(c.stdout, "last event %d, chain hash %s\n", rep.LastSeq, rep.LastHash)
	}
}
