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
	"time"

	"github.com/dais-meeting/dais/meeting/access"
	"github.com/dais-meeting/dais/meeting/archive"
	"github.com/dais-meeting/dais/meeting/service"
	"github.com/dais-meeting/dais/storage"
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
	// A store read here is copied by the same writer a node's GET /backup uses.
	local := func(f *os.File, st interface {
		Backup(context.Context, *backup.Writer) error
	}, kind string) error {
		bw := backup.NewWriter(f, kind)
		if err := st.Backup(ctx, bw); err != nil {
			return err
		}
		return bw.Close()
	}
	var m backup.Manifest
	err := keepVerified(*out, func(f *os.File) error {
		switch {
		case *from != "":
			return (&daisclient.API{Base: strings.TrimRight(*from, "/"), HTTP: c.http}).Backup(ctx, f)
		case *data != "":
			st, err := bolt.Open(*data, bolt.Options{ReadOnly: true})
			if err != nil {
				return fmt.Errorf("%w (a running node holds its file: use -from with its internal listener)", err)
			}
			defer st.Close()
			return local(f, st, backup.KindEmbedded)
		default:
			st, err := redis.Open(ctx, *redisURL, redis.Options{Prefix: *prefix})
			if err != nil {
				return err
			}
			defer st.Close()
			return local(f, st, backup.KindRedis)
		}
	}, func(f *os.File) error {
		var err error
		if m, err = backup.Verify(f); err != nil {
			return fmt.Errorf("the backup does not verify, nothing kept: %w", err)
		}
		return nil
	})
	if err != nil {
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
func (c *client) archive(ctx context.Context, args []string, getenv func(string) string) error {
	if len(args) > 0 && args[0] == "import" {
		return c.archiveImport(ctx, args[1:], getenv)
	}
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
		if s.Meeting == "" {
			fmt.Fprintf(c.stdout, "%s: committee %s (%s), archived %s; %d PDFs the logs name, all present\n", args[1], s.Committee, s.Title, s.Archived.Format("2006-01-02 15:04 MST"), rep.PDFs)
		} else {
			fmt.Fprintf(c.stdout, "%s: meeting %s (%s), %s, archived %s\n", args[1], s.Meeting, s.Title, s.Status, s.Archived.Format("2006-01-02 15:04 MST"))
			fmt.Fprintf(c.stdout, "%d events, chain hash %s; %d polls checked, %d election round(s) recounted; %d PDFs the log names, all present\n",
				rep.Audit.Records, rep.Audit.LastHash, rep.Audit.Polls, rep.Audit.Recounted, rep.PDFs)
		}
		for _, o := range rep.Office {
			line := fmt.Sprintf("%s %s: %d events, %s, chain hash %s", o.Kind, o.ID, o.Records, o.Status, o.LastHash)
			if o.SummaryChecked {
				line += "; summary counted again from the answers"
			}
			if o.Numbered != "" {
				line += "; number " + o.Numbered
			}
			fmt.Fprintln(c.stdout, line)
		}
		fmt.Fprintf(c.stdout, "records: %s\nOK\n", strings.Join(rep.Records, ", "))
		return nil
	}
	fs := flag.NewFlagSet("archive", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	out := fs.String("o", "", "the archive file to write")
	from := fs.String("from", "", "a running daisd's internal listener (its -internal-listen), e.g. http://127.0.0.1:9090")
	committee := fs.Bool("committee", false, "the id names a committee: its consultations and conclusions")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if *out == "" || *from == "" || fs.NArg() != 1 {
		return usageError{"archive needs -from URL, -o FILE and the meeting id (or -committee ID; or: archive verify FILE)"}
	}
	var rep archive.Report
	err := keepVerified(*out, func(f *os.File) error {
		api := &daisclient.API{Base: strings.TrimRight(*from, "/"), HTTP: c.http}
		if *committee {
			return api.ArchiveCommittee(ctx, fs.Arg(0), f)
		}
		return api.Archive(ctx, fs.Arg(0), f)
	}, func(f *os.File) error {
		var err error
		if rep, err = archive.Verify(ctx, f); err != nil {
			return fmt.Errorf("the archive does not verify, nothing kept: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if *committee {
		fmt.Fprintf(c.stdout, "%s: committee %s, %d consultations and conclusions, %d PDFs, %d records; verified\n", *out, rep.Summary.Committee, len(rep.Office), rep.PDFs, len(rep.Records))
		return nil
	}
	fmt.Fprintf(c.stdout, "%s: meeting %s, %d events, %d conclusions, %d PDFs, %d records; verified\n", *out, rep.Summary.Meeting, rep.Audit.Records, len(rep.Office), rep.PDFs, len(rep.Records))
	return nil
}

// archiveImport brings an archive back, read only, into a stopped node's
// data folder or a Redis deployment (dais archive import FILE): verified
// first, refused when the store holds the meeting; with -invite, a
// one-time sign-in code for each participant named, to read it.
func (c *client) archiveImport(ctx context.Context, args []string, getenv func(string) string) error {
	fs := flag.NewFlagSet("archive import", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	data := fs.String("data", "", "data folder of a stopped node's embedded store (made when missing)")
	redisURL := fs.String("redis-url", getenv("DAIS_REDIS_URL"), "a Redis deployment")
	prefix := fs.String("redis-prefix", envOr(getenv, "DAIS_REDIS_PREFIX", "dais:"), "prefix of the deployment's Redis keys")
	invite := fs.String("invite", "", "participants (id,id,…) to make one-time sign-in codes for, e.g. the secretary")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if fs.NArg() != 1 || (*data == "") == (*redisURL == "") {
		return usageError{"archive import needs one of -data DIR, -redis-url URL, and the archive file"}
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	// Checked before any store is opened: a broken archive changes nothing.
	if _, err := archive.Verify(ctx, f); err != nil {
		fmt.Fprintf(c.stdout, "%s: FAILED: %v\nnothing imported\n", fs.Arg(0), err)
		return errNotVerified
	}
	var store interface {
		archive.Target
		storage.Store
	}
	if *data != "" {
		st, err := bolt.Open(*data, bolt.Options{})
		if err != nil {
			return fmt.Errorf("%w (a running node holds its file: stop it first)", err)
		}
		store = st
	} else {
		st, err := redis.Open(ctx, *redisURL, redis.Options{Prefix: *prefix})
		if err != nil {
			return err
		}
		store = st
	}
	defer store.Close()
	imp, err := archive.Import(ctx, f, store, time.Now())
	if err != nil {
		return err
	}
	s := imp.Summary
	if s.Meeting == "" {
		fmt.Fprintf(c.stdout, "imported committee %s (%s): %d consultations and conclusions (%d held already), %d PDFs\n",
			s.Committee, s.Title, imp.Office, imp.OfficeHeld, imp.PDFs)
		return nil
	}
	fmt.Fprintf(c.stdout, "imported meeting %s (%s), %s: %d archived events (chain hash %s), %d ballot box(es), %d PDFs\n",
		s.Meeting, s.Title, s.Status, s.Events, s.LastHash, imp.Boxes, imp.PDFs)
	if len(s.Office) > 0 {
		fmt.Fprintf(c.stdout, "%d conclusions imported with their chain (%d held already)\n", imp.Office, imp.OfficeHeld)
	}
	fmt.Fprintf(c.stdout, "event %d marks it archived (archive sha256 %s): read only, every command is refused\n", imp.Version, imp.Archive)
	if *invite != "" {
		acc := access.New(store, service.New(store, nil, service.Options{}), access.Options{})
		for _, p := range strings.Split(*invite, ",") {
			code, err := acc.Invite(ctx, s.Meeting, strings.TrimSpace(p))
			if err != nil {
				return err
			}
			fmt.Fprintf(c.stdout, "%s\t%s\n", strings.TrimSpace(p), code)
		}
	}
	return nil
}

// keepVerified writes a file beside out with write, checks it from its
// start with verify, and renames it to out only then: a download cut short
// or a copy that does not verify leaves nothing under out.
func keepVerified(out string, write, verify func(*os.File) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	if err := write(tmp); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if err := verify(tmp); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), out)
}
