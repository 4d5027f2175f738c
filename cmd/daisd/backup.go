package main

import (
	"context"
	"net/http"
	"time"

	"github.com/dais-meeting/dais/storage/backup"
	"github.com/dais-meeting/dais/storage/bolt"
	"github.com/dais-meeting/dais/storage/redis"
)

// backup streams a consistent copy of the node's store (GET /backup, on the
// internal listener only: it holds every meeting, session and account).
// The copy is a backup file (package storage/backup) that ends with its
// manifest: a copy cut short by a failure is refused by `dais restore`.
func (n *node) backup(w http.ResponseWriter, r *http.Request) {
	type backuper interface {
		Backup(context.Context, *backup.Writer) error
	}
	var kind string
	switch n.store.(type) {
	case *bolt.Store:
		kind = backup.KindEmbedded
	case *redis.Store:
		kind = backup.KindRedis
	}
	st, ok := n.store.(backuper)
	if !ok || kind == "" {
		http.Error(w, "this store cannot be backed up", http.StatusNotImplemented)
		return
	}
	name := "dais-" + time.Now().UTC().Format("20060102-150405") + ".backup"
	w.Header().Set("Content-Type", "application/x-tar")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	bw := backup.NewWriter(w, kind)
	err := st.Backup(r.Context(), bw)
	if err == nil {
		err = bw.Close()
	}
	if err != nil {
		// The status is sent; the file ends without its manifest.
		n.log.Error("backup failed", "err", err)
		return
	}
	n.log.Info("backup written", "kind", kind)
}
