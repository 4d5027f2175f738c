package documents

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/access"
)

// Annotated returns the session's participant's annotated copy of docID:
// the copy Open gives them (the blob of a public document, their
// watermarked copy of a confidential one) with their private annotations
// and the room's shared ones of that document flattened into its pages,
// so that every PDF reader shows them. Nobody else's private annotations
// are ever drawn. The copy is kept in the cache under a hash of the
// annotations (annotated/<doc sha>/<reader>.<key>.pdf), so a new or
// changed annotation makes a new copy with a new ETag; the reader's older
// copies of that document are removed then. Without any annotation it is
// the document as Open gives it. The same refusals as Open apply, and an
// annotated copy is a download (meeting.CopyAnnotated: refused for a level
// without downloads, recorded in the copy register).
func (d *Documents) Annotated(ctx context.Context, sess access.Session, docID string, req ...Request) (*File, error) {
	st, p, doc, err := d.readable(ctx, sess, docID)
	if err != nil {
		return nil, err
	}
	r := request(req)
	r.Kind = meeting.CopyAnnotated
	anns := annotationsFor(st, p.ID, doc.ID)
	if len(anns) == 0 {
		return d.Open(ctx, sess, docID, r)
	}
	if doc.Secrecy().Secret() {
		if err := d.register(ctx, st, doc, p, r); err != nil {
			return nil, err
		}
	}
	b, err := json.Marshal(anns)
	if err != nil {
		return nil, fmt.Errorf("documents: encode annotations: %w", err)
	}
	key := shortHash(d.readerETag(st, doc, p), string(b))
	folder := filepath.Join(d.dir, "annotated", doc.SHA256)
	path := filepath.Join(folder, fileName(p.ID)+"."+key+".pdf")
	if _, err := os.Stat(path); err != nil {
		err = d.flights.do(ctx, path, func() error {
			if _, err := os.Stat(path); err == nil {
				return nil
			}
			return d.makeAnnotated(d.ctx, st, doc, p, anns, path)
		})
		if err != nil {
			if ctx.Err() != nil {
				return nil, meeting.Errorf(meeting.Unavailable, "Yêu cầu đã bị hủy.", "the request was cancelled")
			}
			return nil, err
		}
		d.removeOld(folder, fileName(p.ID), path)
	}
	f, err := openFile(path, doc.Title+" - ghi chú.pdf", "a"+key)
	if err != nil {
		return nil, unavailable(err, "Không thể mở bản có ghi chú của tài liệu", "cannot open the annotated copy")
	}
	return f, nil
}

// annotationsFor returns reader's private annotations of document and the
// room's shared ones, shared first (drawn under the reader's own), each
// group in id order, so that the same set always hashes alike.
func annotationsFor(st *meeting.State, reader, document string) []meeting.Annotation {
	var shared, mine []meeting.Annotation
	for _, sh := range st.Shared {
		if sh.Document == document {
			shared = append(shared, sh.Annotation)
		}
	}
	for _, a := range st.Annotations[reader] {
		if a.Document == document {
			mine = append(mine, *a)
		}
	}
	byID := func(a, b meeting.Annotation) int { return cmp.Compare(a.ID, b.ID) }
	slices.SortFunc(shared, byID)
	slices.SortFunc(mine, byID)
	return append(shared, mine...)
}

// makeAnnotated writes reader p's copy of doc with anns flattened in to path.
func (d *Documents) makeAnnotated(ctx context.Context, st *meeting.State, doc *meeting.Document, p *meeting.Participant, anns []meeting.Annotation, path string) error {
	var src *File
	var err error
	if doc.Secrecy().Secret() {
		src, err = d.openCopy(ctx, st, doc, p, "")
	} else {
		src, err = d.openBlob(ctx, doc.SHA256, "")
	}
	if err != nil {
		return err
	}
	defer src.Close()
	err = writeAtomically(path, func(w io.Writer) error {
		return d.engine.Annotate(ctx, src, w, anns)
	})
	if err != nil {
		return unavailable(err, "Không thể tạo bản có ghi chú", "cannot make the annotated copy")
	}
	return nil
}

// removeOld deletes reader's files in folder other than keep: copies made
// for an earlier set of annotations.
func (d *Documents) removeOld(folder, reader, keep string) {
	old, err := filepath.Glob(filepath.Join(folder, reader+".*.pdf"))
	if err != nil {
		return
	}
	for _, f := range old {
		if f != keep && strings.HasPrefix(filepath.Base(f), reader+".") {
			if err := os.Remove(f); err != nil && !os.IsNotExist(err) {
				d.log.Warn("removing an old annotated copy failed", "path", f, "err", err)
			}
		}
	}
}
