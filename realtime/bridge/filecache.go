package bridge

import (
	"bufio"
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/dais-meeting/dais/meeting"
)

// The bound on the edge's documents folder (docs/bridge.md, "Documents:
// once per site"). Each file the edge fetched is an entry: its size, when
// a tablet last opened it, and the documents it is a copy of
// ("meeting/doc", kept beside it in NAME.ref so that a restart knows them).
// When the folder grows past its bound, files are removed, least recently
// used first: first those no meeting the edge follows has, then those of
// followed meetings; never a document on the agenda (or shown) of a
// followed meeting in session or adjourned — that is what a cut must leave
// the site. A removed file is fetched again when it is next opened.

// cacheEntry is one file of the folder.
type cacheEntry struct {
	size int64
	used time.Time
	refs map[string]bool // "meeting/doc"
}

// DefaultFilesMax is the documents folder's bound when none is given.
const DefaultFilesMax = 4 << 30

// refSuffix names the file that keeps an entry's documents.
const refSuffix = ".ref"

// scan reads the folder's files (at start): their sizes, their last use
// (the file's modification time, which opening it moves on) and their
// documents; half-written fetches are removed.
func (fs *Files) scan() error {
	des, err := os.ReadDir(fs.dir)
	if err != nil {
		return err
	}
	fs.entries = map[string]*cacheEntry{}
	var refs []string
	for _, de := range des {
		name := de.Name()
		switch {
		case de.IsDir():
		case strings.HasSuffix(name, ".part"):
			_ = os.Remove(filepath.Join(fs.dir, name))
		case strings.HasSuffix(name, refSuffix):
			refs = append(refs, name)
		default:
			fi, err := de.Info()
			if err != nil {
				continue
			}
			fs.entries[name] = &cacheEntry{size: fi.Size(), used: fi.ModTime(), refs: map[string]bool{}}
			fs.total += fi.Size()
		}
	}
	for _, r := range refs {
		e := fs.entries[strings.TrimSuffix(r, refSuffix)]
		if e == nil {
			_ = os.Remove(filepath.Join(fs.dir, r))
			continue
		}
		f, err := os.Open(filepath.Join(fs.dir, r))
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if line := strings.TrimSpace(sc.Text()); line != "" {
				e.refs[line] = true
			}
		}
		f.Close()
	}
	return nil
}

// Bound keeps the folder at most max bytes (0: DefaultFilesMax; -1: no
// bound), judging what the followed meetings need from local (the
// replica). It removes what is over at once.
func (fs *Files) Bound(ctx context.Context, max int64, local LocalMeetings) {
	if max == 0 {
		max = DefaultFilesMax
	}
	fs.cacheMu.Lock()
	fs.max, fs.local = max, local
	fs.cacheMu.Unlock()
	fs.evict(ctx)
}

// Size is what the folder's files hold, in bytes.
func (fs *Files) Size() int64 {
	fs.cacheMu.Lock()
	defer fs.cacheMu.Unlock()
	return fs.total
}

// used records that a tablet was given file name, a copy of doc of
// meetingID: its last use is now (on disk too), and its documents are
// kept beside it.
func (fs *Files) used(name, meetingID, doc string) {
	now := time.Now()
	path := filepath.Join(fs.dir, name)
	_ = os.Chtimes(path, now, now)
	ref := meetingID + "/" + doc
	fs.cacheMu.Lock()
	e := fs.entries[name]
	if e == nil {
		fi, err := os.Stat(path)
		if err != nil {
			fs.cacheMu.Unlock()
			return
		}
		e = &cacheEntry{size: fi.Size(), refs: map[string]bool{}}
		fs.entries[name] = e
		fs.total += fi.Size()
	}
	e.used = now
	var lines string
	if !e.refs[ref] {
		e.refs[ref] = true
		for r := range e.refs {
			lines += r + "\n"
		}
	}
	fs.cacheMu.Unlock()
	if lines != "" {
		if err := os.WriteFile(path+refSuffix, []byte(lines), 0o640); err != nil {
			fs.e.log.Warn("keeping a document file's references failed", "file", name, "err", err)
		}
	}
}

// followed are the meetings the edge follows.
func (e *Edge) followed() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]string, 0, len(e.follows))
	for id := range e.follows {
		out = append(out, id)
	}
	return out
}

// needs says which documents the followed meetings have (needed) and which
// they may not lose now (kept: the agenda's and the shown document of a
// meeting in session or adjourned), as "meeting/doc" and as the cache
// names of their public files. A meeting whose state cannot be read keeps
// all of its files.
func (fs *Files) needs(ctx context.Context, local LocalMeetings) (needed, kept map[string]bool) {
	needed, kept = map[string]bool{}, map[string]bool{}
	for _, id := range fs.e.followed() {
		st, err := local.State(ctx, id)
		if err != nil {
			kept[id+"/*"] = true
			continue
		}
		running := st.Status == meeting.StatusInSession || st.Status == meeting.StatusAdjourned
		onAgenda := map[string]bool{st.Presentation.Document: true}
		for _, it := range st.Agenda {
			for _, d := range it.Documents {
				onAgenda[d] = true
			}
		}
		needed[id+"/"+whatPacket] = true
		for docID, doc := range st.Documents {
			needed[id+"/"+whatAnnotated+":"+docID] = true
			set := needed
			if running && onAgenda[docID] {
				set = kept
			}
			set[id+"/"+docID] = true
			if doc.SHA256 != "" {
				set[cacheName(doc.SHA256)] = true
			}
		}
	}
	return needed, kept
}

// evict removes files, least recently used first, until the folder is
// within its bound (see the top of this file for which files go first
// and which never).
func (fs *Files) evict(ctx context.Context) {
	fs.evictMu.Lock()
	defer fs.evictMu.Unlock()
	fs.cacheMu.Lock()
	max, local, over := fs.max, fs.local, fs.total-fs.max
	fs.cacheMu.Unlock()
	if max <= 0 || over <= 0 || local == nil {
		fs.overWarned = false
		return
	}
	needed, kept := fs.needs(ctx, local)
	type candidate struct {
		name string
		tier int // 0: no followed meeting has it; 1: one has it
		used time.Time
		size int64
	}
	var cands []candidate
	fs.cacheMu.Lock()
	for name, e := range fs.entries {
		tier := 0
		if kept[name] || needed[name] {
			tier = 1
		}
		keep := kept[name]
		for r := range e.refs {
			id, _, _ := strings.Cut(r, "/")
			keep = keep || kept[r] || kept[id+"/*"]
			if needed[r] || kept[r] {
				tier = 1
			}
		}
		if !keep {
			cands = append(cands, candidate{name, tier, e.used, e.size})
		}
	}
	fs.cacheMu.Unlock()
	sort.Slice(cands, func(i, j int) bool {
		if cands[i].tier != cands[j].tier {
			return cands[i].tier < cands[j].tier
		}
		return cands[i].used.Before(cands[j].used)
	})
	removed, freed := 0, int64(0)
	gone := map[string]bool{}
	defer func() { fs.forgetFiles(gone) }()
	for _, c := range cands {
		if freed >= over {
			break
		}
		err := os.Remove(filepath.Join(fs.dir, c.name))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			fs.e.log.Warn("removing a document file over the folder's bound failed", "file", c.name, "err", err)
			continue
		}
		_ = os.Remove(filepath.Join(fs.dir, c.name+refSuffix))
		fs.cacheMu.Lock()
		if e := fs.entries[c.name]; e != nil {
			delete(fs.entries, c.name)
			fs.total -= e.size
		}
		fs.cacheMu.Unlock()
		gone[c.name] = true
		removed++
		freed += c.size
	}
	if removed > 0 {
		fs.e.log.Info("document files removed to keep the folder within its bound", "removed", removed, "freed", freed, "size", fs.Size(), "max", max)
	}
	// Past the bound with what must stay: said once, until it is within
	// its bound again (every open would otherwise say it).
	if stillOver := freed < over; stillOver != fs.overWarned {
		fs.overWarned = stillOver
		if stillOver {
			fs.e.log.Warn("the documents folder is over its bound with files the meetings in session need; it keeps them", "size", fs.Size(), "max", max)
		}
	}
}
