package redis

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/dais-meeting/dais/storage/backup"
)

//go:embed scripts/backup.lua
var backupSrc string

var backupScript = goredis.NewScript(backupSrc)

// Names of the entries of a Redis deployment's backup.
const (
	backupKeys  = "redis/keys"
	backupBlobs = "redis/blobs/"
)

var globEscaper = strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`, `[`, `\[`, `]`, `\]`)

// Backup writes a copy of every key of the deployment (those that start
// with the store's prefix) to bw while it serves. Every key but the blobs
// is copied by one script, which Redis runs alone: the logs, ballot boxes,
// sessions and accounts of one instant — a ballot cast during the backup
// is wholly in it or wholly not. The blobs follow, key by key: a blob is
// written before any event names it and never changes, so every blob the
// copied logs name is there. Keys are kept with their remaining time to
// live; the values are Redis's DUMP form (RESTORE needs a Redis of the
// same or a later version).
func (s *Store) Backup(ctx context.Context, bw *backup.Writer) error {
	ids, err := s.Meetings(ctx)
	if err != nil {
		return fmt.Errorf("storage/redis: backup: %w", err)
	}
	bw.SetMeetings(ids)
	blobPrefix := s.k.prefix + "blob:{b}:"
	res, err := backupScript.Run(ctx, s.rdb, nil, globEscaper.Replace(s.k.prefix)+"*", blobPrefix).Slice()
	if err != nil {
		return s.fail("backup", err)
	}
	if len(res)%3 != 0 {
		return fmt.Errorf("storage/redis: backup: the script answered %d values", len(res))
	}
	var buf bytes.Buffer
	seen := map[string]bool{}
	for i := 0; i < len(res); i += 3 {
		key, _ := res[i].(string)
		ttl, _ := res[i+1].(int64)
		dump, _ := res[i+2].(string)
		if !strings.HasPrefix(key, s.k.prefix) || seen[key] {
			continue
		}
		seen[key] = true
		writeRecord(&buf, strings.TrimPrefix(key, s.k.prefix), ttl, dump)
	}
	if err := bw.Add(backupKeys, int64(buf.Len()), &buf); err != nil {
		return err
	}
	// The blobs: each blob's hash key and chunks, not the uploads in
	// progress (blob:{b}:tmp:…).
	var blobKeys []string
	iter := s.rdb.Scan(ctx, 0, globEscaper.Replace(blobPrefix)+"*", 1000).Iterator()
	for iter.Next(ctx) {
		k := iter.Val()
		if !strings.HasPrefix(k, blobPrefix+"tmp:") {
			blobKeys = append(blobKeys, k)
		}
	}
	if err := iter.Err(); err != nil {
		return s.fail("backup: listing blobs", err)
	}
	slices.Sort(blobKeys)
	blobKeys = slices.Compact(blobKeys)
	for _, k := range blobKeys {
		dump, err := s.rdb.Dump(ctx, k).Result()
		if errors.Is(err, goredis.Nil) {
			bw.Note("blob key %s was removed while the backup was taken", k)
			continue
		}
		if err != nil {
			return s.fail("backup: blob", err)
		}
		var b bytes.Buffer
		writeRecord(&b, strings.TrimPrefix(k, s.k.prefix), -1, dump)
		if err := bw.Add(backupBlobs+strings.TrimPrefix(k, blobPrefix), int64(b.Len()), &b); err != nil {
			return err
		}
	}
	return nil
}

// A record is a key (without the prefix), its time to live in ms (-1:
// none) and its DUMP value, each length-prefixed.
func writeRecord(buf *bytes.Buffer, key string, ttl int64, dump string) {
	buf.Write(binary.AppendUvarint(nil, uint64(len(key))))
	buf.WriteString(key)
	buf.Write(binary.AppendVarint(nil, ttl))
	buf.Write(binary.AppendUvarint(nil, uint64(len(dump))))
	buf.WriteString(dump)
}

func readRecords(r io.Reader, fn func(key string, ttl int64, dump string) error) error {
	br, ok := r.(io.ByteReader)
	if !ok {
		return errors.New("storage/redis: restore: records need a byte reader")
	}
	readLen := func(what string) (int, error) {
		n, err := binary.ReadUvarint(br)
		if err != nil || n > 1<<30 {
			return 0, fmt.Errorf("storage/redis: restore: bad %s length: %v", what, err)
		}
		return int(n), nil
	}
	for {
		n, err := binary.ReadUvarint(br)
		if err == io.EOF {
			return nil
		}
		if err != nil || n > 1<<20 {
			return fmt.Errorf("storage/redis: restore: bad key length: %v", err)
		}
		key := make([]byte, n)
		if _, err := io.ReadFull(r, key); err != nil {
			return fmt.Errorf("storage/redis: restore: %w", err)
		}
		ttl, err := binary.ReadVarint(br)
		if err != nil {
			return fmt.Errorf("storage/redis: restore: bad ttl: %w", err)
		}
		dn, err := readLen("value")
		if err != nil {
			return err
		}
		dump := make([]byte, dn)
		if _, err := io.ReadFull(r, dump); err != nil {
			return fmt.Errorf("storage/redis: restore: %w", err)
		}
		if err := fn(string(key), ttl, string(dump)); err != nil {
			return err
		}
	}
}

// ErrNotEmpty is a restore into a deployment that has keys already.
var ErrNotEmpty = errors.New("the deployment to restore into is not empty")

// Restore loads a Redis deployment's backup in r under the store's prefix
// (which may differ from the one backed up), into a deployment with no
// key yet. The whole file is checked against its manifest first. The keys
// are restored blobs first, the meetings' set last, so a restore cut short
// lists no meeting whose log is missing; run it again after clearing the
// prefix.
func (s *Store) Restore(ctx context.Context, r io.ReadSeeker) (backup.Manifest, error) {
	m, err := backup.Verify(r)
	if err != nil {
		return m, err
	}
	if m.Kind != backup.KindRedis {
		return m, fmt.Errorf("storage/redis: restore: a backup of a %s store, not of a Redis one", m.Kind)
	}
	if keys, _, err := s.rdb.Scan(ctx, 0, globEscaper.Replace(s.k.prefix)+"*", 1000).Result(); err != nil {
		return m, s.fail("restore", err)
	} else if len(keys) > 0 {
		return m, fmt.Errorf("storage/redis: restore under %q: %w (%s …)", s.k.prefix, ErrNotEmpty, keys[0])
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return m, err
	}
	var last []func() error
	restore := func(key string, ttl int64, dump string) error {
		if ttl < 0 {
			ttl = 0
		}
		full := s.k.prefix + key
		do := func() error {
			if err := s.rdb.RestoreReplace(ctx, full, durationMs(ttl), dump).Err(); err != nil {
				return s.fail("restore "+full, err)
			}
			return nil
		}
		if full == s.k.meetings() {
			last = append(last, do)
			return nil
		}
		return do()
	}
	err = backup.Each(r, func(name string, size int64, src io.Reader) error {
		if name != backupKeys && !strings.HasPrefix(name, backupBlobs) {
			return fmt.Errorf("storage/redis: restore: unknown entry %q", name)
		}
		return readRecords(bufioReader(src), restore)
	})
	if err != nil {
		return m, err
	}
	for _, do := range last {
		if err := do(); err != nil {
			return m, err
		}
	}
	return m, nil
}

func durationMs(ms int64) time.Duration { return time.Duration(ms) * time.Millisecond }

func bufioReader(r io.Reader) *bufio.Reader { return bufio.NewReaderSize(r, 64<<10) }
