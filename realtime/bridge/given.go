package bridge

import (
	"context"
	"encoding/json"
	"sort"
	"time"
)

// Which copy each reader was last given (docs/bridge.md, "Documents: once
// per site"). While the link is cut the edge cannot ask the centre what a
// reader's file is, so it gives them again the copy they had — a
// watermarked copy, their annotated copy, their packet — if its file is
// still in the folder. The record is kept in the edge's store
// (EdgeConfig.Given), one registry entry a reader and document, so that an
// edge restarted during a cut still has it. A change is written by a
// writer of its own, off the reader's request (a burst of tablets opening
// the shown document must not queue behind one store commit each); the
// edge's Close writes what is left. It is bounded (maxGiven, the
// oldest forgotten first) and cleaned with the folder: a file removed over
// the folder's bound takes its records with it (it could not be given
// during a cut anyway).

// givenKind names the records in the edge's store.
const givenKind = "bridgegiven"

// maxGiven is the most records kept: far more than a site's readers ×
// documents × copies (50 tablets × 100 documents × 3); past it the oldest
// tenth goes.
const maxGiven = 20000

// givenCopy is what a reader was given: the file's meta (its ETag names
// the file in the folder) and when it was given (stored when the copy
// changed; in memory, its last open).
type givenCopy struct {
	fileMeta
	At time.Time `json:"at"`
}

// storeTimeout bounds a write of the record: the reader is served anyway.
const storeTimeout = 5 * time.Second

// loadGiven reads the records kept (at start); those whose file left the
// folder are forgotten.
func (fs *Files) loadGiven() error {
	store := fs.e.cfg.Given
	if store == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	entries, err := store.ListEntries(ctx, givenKind)
	if err != nil {
		return err
	}
	var stale []string
	for _, en := range entries {
		var g givenCopy
		if json.Unmarshal(en.Data, &g) != nil || g.ETag == "" || !fs.cached(g.ETag) {
			stale = append(stale, en.ID)
			continue
		}
		fs.given[en.ID] = g
	}
	stale = append(stale, fs.trimGiven()...)
	for _, id := range stale {
		fs.storeGiven(ctx, id)
	}
	return nil
}

// remember records that the reader of key was given meta (in the store
// when it changed).
func (fs *Files) remember(key string, meta fileMeta) {
	fs.mu.Lock()
	old, ok := fs.given[key]
	fs.given[key] = givenCopy{fileMeta: meta, At: time.Now()}
	dirty := fs.trimGiven()
	fs.mu.Unlock()
	if !ok || !sameFile(old.fileMeta, meta) {
		dirty = append(dirty, key)
	}
	fs.markGiven(dirty...)
}

// startGivenWriter starts the writer of the records (with a store, while
// the edge runs; it writes what is left when the edge closes).
func (fs *Files) startGivenWriter() {
	if fs.e.cfg.Given == nil {
		return
	}
	fs.e.mu.Lock()
	closed := fs.e.closed
	if !closed {
		fs.e.wg.Add(1)
	}
	fs.e.mu.Unlock()
	if closed {
		return // (markGiven then writes at once)
	}
	fs.givenKick = make(chan struct{}, 1)
	go func() {
		defer fs.e.wg.Done()
		for {
			select {
			case <-fs.givenKick:
				fs.flushGiven()
			case <-fs.e.ctx.Done():
				fs.flushGiven()
				return
			}
		}
	}()
}

// markGiven has the records of keys written (as they are in memory then).
func (fs *Files) markGiven(keys ...string) {
	if fs.e == nil || fs.e.cfg.Given == nil || len(keys) == 0 {
		return
	}
	fs.mu.Lock()
	for _, k := range keys {
		fs.givenDirty[k] = true
	}
	fs.mu.Unlock()
	if fs.givenKick == nil {
		fs.flushGiven()
		return
	}
	select {
	case fs.givenKick <- struct{}{}:
	default: // a write is due already
	}
}

// flushGiven writes the records changed since the last write.
func (fs *Files) flushGiven() {
	fs.mu.Lock()
	keys := fs.givenDirty
	fs.givenDirty = map[string]bool{}
	fs.mu.Unlock()
	for k := range keys {
		fs.storeGiven(context.Background(), k)
	}
}

// sameFile: a and b are the same copy (as a record needs it kept).
func sameFile(a, b fileMeta) bool {
	return a.ETag == b.ETag && a.Name == b.Name && a.Size == b.Size && a.Personal == b.Personal && a.ModTime.Equal(b.ModTime)
}

// trimGiven forgets the oldest tenth of the records past maxGiven and
// returns their keys (fs.mu held, or at start).
func (fs *Files) trimGiven() []string {
	if len(fs.given) <= maxGiven {
		return nil
	}
	keys := make([]string, 0, len(fs.given))
	for k := range fs.given {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return fs.given[keys[i]].At.Before(fs.given[keys[j]].At) })
	drop := keys[:len(keys)-maxGiven*9/10]
	for _, k := range drop {
		delete(fs.given, k)
	}
	return drop
}

// forgetFiles forgets the records of the files names (removed from the
// folder).
func (fs *Files) forgetFiles(names map[string]bool) {
	if len(names) == 0 {
		return
	}
	var keys []string
	fs.mu.Lock()
	for k, g := range fs.given {
		if names[cacheName(g.ETag)] {
			delete(fs.given, k)
			keys = append(keys, k)
		}
	}
	fs.mu.Unlock()
	fs.markGiven(keys...)
}

// storeGiven writes the record of key as it is in memory now (none:
// deleted) into the store.
func (fs *Files) storeGiven(ctx context.Context, key string) {
	store := fs.e.cfg.Given
	if store == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	_, err := store.UpdateEntry(ctx, givenKind, key, func([]byte) ([]byte, error) {
		fs.mu.Lock()
		g, ok := fs.given[key]
		fs.mu.Unlock()
		if !ok {
			return nil, nil
		}
		return json.Marshal(g)
	})
	if err != nil {
		fs.e.log.Warn("keeping which copy a reader was given failed; a restart during a cut would refuse it them", "key", key, "err", err)
	}
}
