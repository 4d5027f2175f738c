package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"github.com/dais-meeting/dais/clients/daisclient"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/dais-meeting/dais/meeting/archive"
	"github.com/dais-meeting/dais/storage/backup"
	"github.com/dais-meeting/dais/storage/bolt"
	"github.com/dais-meeting/dais/storage/redis"
)

// backup writes a backup file: from a running node's internal listener
// (-from), a stopped node's data folder (-data, read-only), or a Redis
// deployment (-redis-url). The file is written beside its name and kept
// only once it verifies.
func (c *client) backup(ctx context.Context, args []string, getenv func(string) string) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	out := fs.String("o", "", "the backup file to write")
	from := fs.String("from", "", "a running daisd's internal listener (its -internal-listen), e.g. http://127.0.0.1:9090")
	data := fs.String("data", "", "data folder of a stopped node's embedded store")
	redisURL := fs.String("redis-url", getenv("DAIS_REDIS_URL"), "a Redis deployment")
	prefix := fs.String("redis-prefix", envOr(getenv, "DAIS_REDIS_PREFIX", "dais:"), "prefix of the deployment's Redis keys")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	sources := 0
	for _, s := range []string{*from, *data, *redisURL} {
		if s != "" {
			sources++
		}
	}
	if *out == "" || fs.NArg() != 0 || sources != 1 {
		return usageError{"backup needs -o FILE and one of -from URL, -data DIR, -redis-url URL"}
	}
	tmp, err := os.CreateTemp(filepath.Dir(*out), ".dais-backup-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	switch {
	case *from != "":
		err = (&daisclient.API{Base: strings.TrimRight(*from, "/"), HTTP: c.http}).Backup(ctx, tmp)
	case *data != "":
		var st *bolt.Store
		if st, err = bolt.Open(*data, bolt.Options{ReadOnly: true}); err != nil {
			return fmt.Errorf("%w (a running node holds its file: use -from with its internal listener)", err)
		}
		defer st.Close()
		bw := backup.NewWriter(tmp, backup.KindEmbedded)
		if err = st.Backup(ctx, bw); err == nil {
			err = bw.Close()
		}
	default:
		var st *redis.Store
		if st, err = redis.Open(ctx, *redisURL, redis.Options{Prefix: *prefix}); err != nil {
			return err
		}
		defer st.Close()
		bw := backup.NewWriter(tmp, backup.KindRedis)
		if err = st.Backup(ctx, bw); err == nil {
			err = bw.Close()
		}
	}
	if err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return err
	}
	m, err := backup.Verify(tmp)
	if err != nil {
		return fmt.Errorf("the backup does not verify, nothing kept: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), *out); err != nil {
		return err
	}
	var size int64
	for _, e := range m.Entries {
		size += e.Size
	}
	fmt.Fprintf(c.stdout, "%s: a backup of a %s store, %d meeting(s), %d entries, %d bytes\n", *out, m.Kind, len(m.Meetings), len(m.Entries), size)
	for _, n := range m.Notes {
		fmt.Fprintf(c.stdout, "note: %s\n", n)
	}
	fmt.Fprintln(c.stdout, "the ballot key is not in it: keep DATA/ballot.key (or the cluster's key) apart")
	return nil
}

// restore loads a backup file into an empty store.
func (c *client) restore(ctx context.Context, args []string, getenv func(string) string) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	data := fs.String("data", "", "data folder to restore an embedded store's backup into (no store there yet)")
	redisURL := fs.String("redis-url", getenv("DAIS_REDIS_URL"), "a Redis to restore a Redis deployment's backup into")
	prefix := fs.String("redis-prefix", envOr(getenv, "DAIS_REDIS_PREFIX", "dais:"), "prefix of the keys to restore (no key with it yet)")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if fs.NArg() != 1 || (*data == "") == (*redisURL == "") {
		return usageError{"restore needs one of -data DIR, -redis-url URL, and the backup file"}
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	var m backup.Manifest
	if *data != "" {
		m, err = bolt.Restore(*data, f)
	} else {
		var st *redis.Store
		if st, err = redis.Open(ctx, *redisURL, redis.Options{Prefix: *prefix}); err != nil {
			return err
		}
		defer st.Close()
		m, err = st.Restore(ctx, f)
	}
	if errors.Is(err, bolt.ErrNotEmpty) || errors.Is(err, redis.ErrNotEmpty) {
		return fmt.Errorf("%w: restore into an empty folder or prefix", err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "restored a %s store of %s: %s\n", m.Kind, m.Created.Format("2006-01-02 15:04:05 MST"), strings.Join(m.Meetings, ", "))
	return nil
}

// archive writes a meeting's archive from a running node's internal
// listener (dais archive -from URL -o FILE MEETING), or checks one without
// a server (dais archive verify FILE).
func (c *client) archive(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "verify" {
		if len(args) != 2 {
			return usageError{"archive verify takes one archive file"}
		}
		f, err := os.Open(args[1])
		if err != nil {
			return err
		}
		defer f.Close()
		rep, err := archive.Verify(ctx, f)
		if err != nil {
			fmt.Fprintf(c.stdout, "%s: FAILED: %v\n", args[1], err)
			return errNotVerified
		}
		s := rep.Summary
		fmt.Fprintf(c.stdout, "%s: meeting %s (%s), %s, archived %s\n", args[1], s.Meeting, s.Title, s.Status, s.Archived.Format("2006-01-02 15:04 MST"))
		fmt.Fprintf(c.stdout, "%d events, chain hash %s; %d polls checked, %d election round(s) recounted; %d PDFs the log names, all present\n",
			rep.Audit.Records, rep.Audit.LastHash, rep.Audit.Polls, rep.Audit.Recounted, rep.PDFs)
		fmt.Fprintf(c.stdout, "records: %s\nOK\n", strings.Join(rep.Records, ", "))
		return nil
	}
	fs := flag.NewFlagSet("archive", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	out := fs.String("o", "", "the archive file to write")
	from := fs.String("from", "", "a running daisd's internal listener (its -internal-listen), e.g. http://127.0.0.1:9090")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if *out == "" || *from == "" || fs.NArg() != 1 {
		return usageError{"archive needs -from URL, -o FILE and the meeting id (or: archive verify FILE)"}
	}
	tmp, err := os.CreateTemp(filepath.Dir(*out), ".dais-archive-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	if err := (&daisclient.API{Base: strings.TrimRight(*from, "/"), HTTP: c.http}).Archive(ctx, fs.Arg(0), tmp); err != nil {
		return err
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return err
	}
	rep, err := archive.Verify(ctx, tmp)
	if err != nil {
		return fmt.Errorf("the archive does not verify, nothing kept: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), *out); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "%s: meeting %s, %d events, %d PDFs, %d records; verified\n", *out, rep.Summary.Meeting, rep.Audit.Records, rep.PDFs, len(rep.Records))
	return nil
}
