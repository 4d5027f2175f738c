package main

import (
	"context"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/archive"
	"github.com/dais-meeting/dais/meeting/office"
	"github.com/dais-meeting/dais/meeting/pdf"
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

// archive streams a meeting's archive (GET /archive/{meeting}, on the
// internal listener only: it holds every document as uploaded). The file
// ends with its manifest: a copy cut short is refused by dais archive verify.
func (n *node) archive(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("meeting")
	if !meeting.ValidMeetingID(id) {
		http.Error(w, "invalid meeting id", http.StatusBadRequest)
		return
	}
	src, ok := n.store.(archive.Source)
	if !ok {
		http.Error(w, "this store cannot be archived", http.StatusNotImplemented)
		return
	}
	if ids, err := n.store.Meetings(r.Context()); err != nil {
		http.Error(w, "the store is unavailable", http.StatusServiceUnavailable)
		return
	} else if !slices.Contains(ids, id) {
		http.Error(w, "no such meeting", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/x-tar")
	w.Header().Set("Content-Disposition", `attachment; filename="`+id+`.dais-archive"`)
	w.Header().Set("Cache-Control", "no-store")
	if _, err := archive.Write(r.Context(), w, src, pdfRecords{n.pdfs}, id); err != nil {
		n.log.Error("archive failed", "meeting", id, "err", err)
		return
	}
	n.log.Info("archive written", "meeting", id)
}

// archiveCommittee streams a committee's archive: its written
// consultations and its conclusions, each log with its chain, PDFs and
// attachments (GET /archive/committee/{committee}, internal listener only).
func (n *node) archiveCommittee(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("committee")
	if !office.ValidID(id) {
		http.Error(w, "invalid committee id", http.StatusBadRequest)
		return
	}
	src, ok := n.store.(archive.BlobSource)
	if !ok {
		http.Error(w, "this store cannot be archived", http.StatusNotImplemented)
		return
	}
	// Streamed as it is made (a committee's consultations and conclusions
	// name every document and report attachment: held in memory whole, a
	// committee whose members attached many large reports took the node's
	// memory). The headers go with the first byte, so a committee with
	// nothing to archive (refused before anything is written) is still a
	// 404; a failure after that ends the file without its manifest, which
	// dais archive verify refuses.
	lw := &lazyArchive{w: w, name: id + ".dais-archive"}
	if _, err := archive.WriteCommittee(r.Context(), lw, src, pdfRecords{n.pdfs}, id); err != nil {
		if lw.started {
			n.log.Error("committee archive failed", "committee", id, "err", err)
			return
		}
		if strings.Contains(err.Error(), "has no consultation and no conclusion") {
			http.Error(w, "no consultation or conclusion of this committee", http.StatusNotFound)
			return
		}
		n.log.Error("committee archive failed", "committee", id, "err", err)
		http.Error(w, "the archive could not be made", http.StatusInternalServerError)
		return
	}
	n.log.Info("committee archive written", "committee", id)
}

// lazyArchive sends an archive's headers with its first byte.
type lazyArchive struct {
	w       http.ResponseWriter
	name    string
	started bool
}

func (l *lazyArchive) Write(p []byte) (int, error) {
	if !l.started {
		l.started = true
		h := l.w.Header()
		h.Set("Content-Type", "application/x-tar")
		h.Set("Content-Disposition", `attachment; filename="`+l.name+`"`)
		h.Set("Cache-Control", "no-store")
		l.w.WriteHeader(http.StatusOK)
	}
	return l.w.Write(p)
}

// pdfRecords makes the archive's records with the node's PDF engine.
type pdfRecords struct{ e *pdf.Engine }

// ConsultationSummary is the consultation's Báo cáo tổng hợp ý kiến,
// printing its log's last event and chain link.
func (p pdfRecords) ConsultationSummary(ctx context.Context, w io.Writer, c *office.Consultation, lang string, seq uint64, hash string) error {
	return p.e.ConsultationSummary(ctx, w, c, pdf.SummaryOptions{Lang: lang, Made: time.Now(), ChainSeq: seq, ChainHash: hash})
}

// Conclusion is the conclusion's PDF.
func (p pdfRecords) Conclusion(ctx context.Context, w io.Writer, c *office.Conclusion, lang string) error {
	return p.e.Conclusion(ctx, w, c, lang, nil)
}

func (p pdfRecords) Minutes(ctx context.Context, w io.Writer, s *meeting.State, lang string) error {
	return p.e.Minutes(ctx, w, s, lang)
}

func (p pdfRecords) CountingMinutes(ctx context.Context, w io.Writer, s *meeting.State, id, lang string) error {
	in, err := pdf.CountingInputFrom(s, id)
	if err != nil {
		return err
	}
	return p.e.CountingMinutes(ctx, w, in, lang)
}

func (p pdfRecords) BallotsCSV(w io.Writer, s *meeting.State) error { return pdf.BallotsCSV(w, s) }
