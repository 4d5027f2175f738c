package documents

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"time"
)

// Cache pruning. Copies, packets and annotated copies are made per reader
// and per version (a changed agenda makes new packets for everyone), so the
// cache folder only grows unless something removes what is no longer
// used. Every file is marked as used (its access time) when it is served;
// the janitor removes the least recently used files once the cache is over
// Config.MaxCacheBytes, down to 90 % of it, sparing anything used in the
// last Config.PruneMinAge (a request may be about to open it). Removing a
// file that is being read is harmless: the reader keeps its open file.

// cachedSubdirs are the folders the janitor may prune (never tmp/).
var cachedSubdirs = []string{"copies", "packets", "annotated"}

// markUsed records that the cached file at path, whose FileInfo is fi, was
// just served: its access time moves, its ModTime (the bytes' age) stays.
func markUsed(path string, fi fs.FileInfo, now time.Time) {
	_ = os.Chtimes(path, now, fi.ModTime())
}

// lastUse is a file's access time (its modification time where the
// platform does not say).
func lastUse(fi fs.FileInfo) time.Time {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		at := time.Unix(st.Atim.Sec, st.Atim.Nsec)
		if at.After(fi.ModTime()) {
			return at
		}
	}
	return fi.ModTime()
}

// Prune removes least recently used cached files while the cache is over
// Config.MaxCacheBytes, and returns how many files and bytes it removed.
func (d *Documents) Prune(now time.Time) (files int, bytes int64, err error) {
	type entry struct {
		path string
		size int64
		used time.Time
	}
	var all []entry
	var total int64
	for _, sub := range cachedSubdirs {
		root := filepath.Join(d.dir, sub)
		err := filepath.WalkDir(root, func(path string, de fs.DirEntry, err error) error {
			if err != nil {
				if os.IsNotExist(err) {
					return nil
				}
				return err
			}
			if de.IsDir() {
				return nil
			}
			fi, err := de.Info()
			if err != nil {
				return nil // removed meanwhile
			}
			all = append(all, entry{path, fi.Size(), lastUse(fi)})
			total += fi.Size()
			return nil
		})
		if err != nil {
			return files, bytes, err
		}
	}
	defer func() { d.cacheBytes.Store(total) }()
	if total <= d.cfg.MaxCacheBytes {
		return 0, 0, nil
	}
	slices.SortFunc(all, func(a, b entry) int { return a.used.Compare(b.used) })
	goal := d.cfg.MaxCacheBytes / 10 * 9
	for _, e := range all {
		if total <= goal || now.Sub(e.used) < d.cfg.PruneMinAge {
			break
		}
		if err := os.Remove(e.path); err != nil && !os.IsNotExist(err) {
			continue
		}
		files++
		bytes += e.size
		total -= e.size
	}
	return files, bytes, nil
}

// janitor prunes the cache at start and every Config.PruneEvery until Close.
func (d *Documents) janitor() {
	defer d.wg.Done()
	t := time.NewTicker(d.cfg.PruneEvery)
	defer t.Stop()
	for {
		// First at start: the cache's size is known (and bounded) at once.
		n, b, err := d.Prune(time.Now())
		switch {
		case err != nil:
			d.log.Warn("pruning the document cache", "err", err)
		case n > 0:
			d.log.Info("pruned the document cache", "files", n, "bytes", b)
		}
		select {
		case <-d.ctx.Done():
			return
		case <-t.C:
		}
	}
}

// CacheBytes is the size of the cache of made files (watermarked copies,
// packets, annotated copies) when Prune last looked.
func (d *Documents) CacheBytes() int64 { return d.cacheBytes.Load() }
