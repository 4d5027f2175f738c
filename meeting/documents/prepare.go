package documents

import (
	"context"
	"sync"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/access"
)

// Progress is how far the preparation of a document's copies has come.
// The job is over when Done+Failed == Total.
type Progress struct {
	Document string `json:"document"`
	Done     int    `json:"done"`
	Total    int    `json:"total"`
	Failed   int    `json:"failed"`
	// Running is true while copies are still being made.
	Running bool `json:"running"`
	// Errors holds the first few failures, one line each.
	Errors []string `json:"errors,omitempty"`
}

// maxJobErrors bounds Progress.Errors.
const maxJobErrors = 5

// job is one preparation: every reader's copy of one version of a
// document.
type job struct {
	sha string

	mu       sync.Mutex // guards progress
	progress Progress
}

func (j *job) snapshot() Progress {
	j.mu.Lock()
	defer j.mu.Unlock()
	p := j.progress
	p.Errors = append([]string(nil), p.Errors...)
	return p
}

func (j *job) finish(err error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if err == nil {
		j.progress.Done++
	} else {
		j.progress.Failed++
		if len(j.progress.Errors) < maxJobErrors {
			j.progress.Errors = append(j.progress.Errors, err.Error())
		}
	}
	j.progress.Running = j.progress.Done+j.progress.Failed < j.progress.Total
}

// Prepare starts making, in the background, the watermarked copy of a
// confidential document for each of its readers (its Readers, the chair(s)
// and the secretaries), at most Config.Workers at a time, and returns the
// progress so far. A public document has no copies to make (Total 0). A
// preparation of the same document version that is running or done is not
// started again. Only a secretary may prepare. Close stops the work.
func (d *Documents) Prepare(ctx context.Context, sess access.Session, docID string) (Progress, error) {
	st, p, err := d.state(ctx, sess)
	if err != nil {
		return Progress{}, err
	}
	if p.Role != meeting.RoleSecretary {
		return Progress{}, meeting.Errorf(meeting.Forbidden,
			"Chỉ thư ký mới được chuẩn bị bản sao tài liệu.", "only a secretary may prepare the copies of a document")
	}
	doc, err := document(st, docID)
	if err != nil {
		return Progress{}, err
	}
	var readers []*meeting.Participant
	if doc.Secrecy().Secret() {
		for _, id := range st.Order {
			if r := st.Participant(id); r != nil && st.CanRead(id, doc.ID) {
				readers = append(readers, r)
			}
		}
	}

	key := sess.Meeting + "/" + doc.ID
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return Progress{}, meeting.Errorf(meeting.Unavailable, "Máy chủ đang dừng.", "the server is shutting down")
	}
	if j := d.jobs[key]; j != nil && j.sha == doc.SHA256 {
		if pr := j.snapshot(); pr.Running || pr.Failed == 0 {
			return pr, nil
		}
		// The last run had failures: run again.
	}
	j := &job{sha: doc.SHA256, progress: Progress{Document: doc.ID, Total: len(readers), Running: len(readers) > 0}}
	d.jobs[key] = j
	if len(readers) == 0 {
		return j.snapshot(), nil
	}
	queue := make(chan *meeting.Participant)
	workers := min(d.cfg.Workers, len(readers))
	d.wg.Add(1 + workers)
	go func() {
		defer d.wg.Done()
		defer close(queue)
		for _, r := range readers {
			select {
			case queue <- r:
			case <-d.ctx.Done():
				return
			}
		}
	}()
	docCopy := *doc
	for range workers {
		go func() {
			defer d.wg.Done()
			for r := range queue {
				_, _, err := d.ensureCopy(d.ctx, st, &docCopy, r)
				if err != nil {
					d.log.Warn("preparing a watermarked copy failed", "meeting", sess.Meeting, "document", doc.ID, "reader", r.ID, "err", err)
				}
				j.finish(err)
			}
		}()
	}
	return j.snapshot(), nil
}

// Progress returns how far the last preparation of document docID of the
// session's meeting has come, or NotFound when none was started on this
// node.
func (d *Documents) Progress(ctx context.Context, sess access.Session, docID string) (Progress, error) {
	st, p, err := d.state(ctx, sess)
	if err != nil {
		return Progress{}, err
	}
	if p.Role != meeting.RoleSecretary && p.Role != meeting.RoleChair {
		return Progress{}, meeting.Errorf(meeting.Forbidden,
			"Chỉ thư ký và chủ tọa mới xem được tiến độ chuẩn bị tài liệu.",
			"only a secretary or the chair may see the preparation of documents")
	}
	if _, err := document(st, docID); err != nil {
		return Progress{}, err
	}
	d.mu.Lock()
	j := d.jobs[sess.Meeting+"/"+docID]
	d.mu.Unlock()
	if j == nil {
		return Progress{}, meeting.Errorf(meeting.NotFound,
			"Chưa bắt đầu chuẩn bị bản sao cho tài liệu %q trên máy chủ này.",
			"no preparation of document %q was started on this server", docID)
	}
	return j.snapshot(), nil
}
