package bridge

import (
	"context"
	"encoding/json"
	"errors"
	"sort"
	"time"
)

// Which copy each reader was last given (docs/bridge.md, "Documents: once
// per site"). While the link is cut the edge cannot ask the centre what a
// reader's file is, so it gives them again the copy they had — a
// watermarked copy, their annotated copy, their packet — if its file is
// still in the folder. The record is kept in the edge's store
// (EdgeConfig.Given), one registry entry a reader and document, so that an
// edge restarted during a cut still has it. It is bounded (maxGiven, the
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
	fs.trimGiven()
	for _, id := range stale {
		fs.storeGiven(ctx, id)
	}
	return nil
}

// remember records that the reader of key was given meta, in the store
// when it changed.
func (fs *Files) remember(ctx context.Context, key string, meta fileMeta) {
	fs.mu.Lock()
	old, ok := fs.given[key]
	fs.given[key] = givenCopy{fileMeta: meta, At: time.Now()}
	dropped := fs.trimGiven()
	fs.mu.Unlock()
	if ok && sameFile(old.fileMeta, meta) {
		return
	}
	fs.storeGiven(ctx, key)
	for _, k := range dropped {
		fs.storeGiven(ctx, k)
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
func (fs *Files) forgetFiles(ctx context.Context, names map[string]bool) {
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
	for _, k := range keys {
		fs.storeGiven(ctx, k)
	}
}

// storeGiven writes the record of key as it is in memory now (none:
// deleted) into the store.
func (fs *Files) storeGiven(ctx context.Context, key string) {
	store := fs.e.cfg.Given
	if store == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), storeTimeout)
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
	if err != nil && !errors.Is(err, context.Canceled) {
		fs.e.log.Warn("keeping which copy a reader was given failed; a restart during a cut would refuse it them", "key", key, "err", err)
	}
}
