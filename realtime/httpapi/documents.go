package httpapi

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/access"
	"github.com/dais-meeting/dais/meeting/documents"
)

// Documents is the use case behind the document routes;
// *documents.Documents is one.
type Documents interface {
	UploadSecret(ctx context.Context, sess access.Session, r io.Reader, title string, level meeting.SecrecyLevel, confidential bool, readers []string) (meeting.Document, error)
	Open(ctx context.Context, sess access.Session, docID string, req ...documents.Request) (*documents.File, error)
	Annotated(ctx context.Context, sess access.Session, docID string, req ...documents.Request) (*documents.File, error)
	Prepare(ctx context.Context, sess access.Session, docID string) (documents.Progress, error)
	Progress(ctx context.Context, sess access.Session, docID string) (documents.Progress, error)
	Packet(ctx context.Context, sess access.Session, req ...documents.Request) (*documents.File, error)
	Register(ctx context.Context, sess access.Session) (meeting.Register, error)
	RegisterPDF(ctx context.Context, sess access.Session, w io.Writer, lang string) error
	Minutes(ctx context.Context, sess access.Session, w io.Writer, lang string) error
	BallotsCSV(ctx context.Context, sess access.Session, w io.Writer) error
	ElectionMinutes(ctx context.Context, sess access.Session, election string, w io.Writer, lang string) error
	Comments(ctx context.Context, sess access.Session, draft string) (*documents.DraftComments, error)
	CommentsPDF(ctx context.Context, sess access.Session, draft string, w io.Writer, lang string) error
	CommentsCSV(ctx context.Context, sess access.Session, draft string, w io.Writer) error
	Compare(ctx context.Context, sess access.Session, draft, from, to string) (*documents.Comparison, error)
}

var _ Documents = (*documents.Documents)(nil)

// DocumentsAPI serves a meeting's documents over HTTP:
//
//	POST /api/v1/meetings/{meeting}/documents?title=…&level=mat|toi_mat|tuyet_mat&confidential=1&readers=p01,p02
//	     raw PDF body → 201 and the Document (readers with a level: confidential)
//	GET  /api/v1/meetings/{meeting}/documents/{doc}/file     the PDF (ranges, ETag)
//	GET  /api/v1/meetings/{meeting}/documents/{doc}/annotated the reader's annotated copy
//	POST /api/v1/meetings/{meeting}/documents/{doc}/prepare  202 and the progress
//	GET  /api/v1/meetings/{meeting}/documents/{doc}/prepare  the progress
//	GET  /api/v1/meetings/{meeting}/packet.pdf               the reader's packet
//	GET  /api/v1/meetings/{meeting}/minutes.pdf?lang=vi|en   the minutes
//	GET  /api/v1/meetings/{meeting}/ballots.csv              the ballots by name
//	GET  /api/v1/meetings/{meeting}/elections/{election}/minutes.pdf?lang=vi|en
//	     the counting minutes of an election (chair, secretaries, committee)
//	GET  /api/v1/meetings/{meeting}/drafts/{draft}/comments  a draft's comments the reader may see, by page
//	GET  /api/v1/meetings/{meeting}/drafts/{draft}/comments.pdf?lang=vi|en  the table of comments (drafting team)
//	GET  /api/v1/meetings/{meeting}/drafts/{draft}/comments.csv  the same as CSV (drafting team)
//	GET  /api/v1/meetings/{meeting}/drafts/{draft}/compare?from=DOC&to=DOC  two versions compared page by page
//	GET  /api/v1/meetings/{meeting}/secrecy/register      the copy register, JSON (chair, secretaries)
//	GET  /api/v1/meetings/{meeting}/secrecy/register.pdf?lang=vi|en  the same as PDF
//
// The document requests of a tablet name it with the header X-Dais-Device
// (its device id; the copy register records it). A secret document's file
// is a copy made for the reader, served only as its level's rules allow
// (meeting.State.MayCopy): the web viewer says X-Dais-Viewer: 1, the
// offline keeper X-Dais-Offline: 1, and a request with neither is a
// download (refused for a level without downloads, reason "no_download").
//
// Every route needs a session (Token) of that meeting. A public document is
// served Cache-Control private with an ETag; a file made for one reader (a
// confidential document's watermarked copy, an annotated copy, a packet)
// is served no-store, so that no cache — the browser's on a tablet that
// another delegate uses next, a proxy's — keeps it.
type DocumentsAPI struct {
	sessions Sessions
	docs     Documents
	maxBytes int64
	log      *slog.Logger
}

// NewDocuments returns the document routes over sessions and docs. Uploads
// whose declared Content-Length exceeds maxBytes are refused before their
// body is read (0: no early check; docs enforces its own cap while
// streaming).
func NewDocuments(sessions Sessions, docs Documents, maxBytes int64, log *slog.Logger) *DocumentsAPI {
	if log == nil {
		log = slog.Default()
	}
	return &DocumentsAPI{sessions: sessions, docs: docs, maxBytes: maxBytes, log: log}
}

// Register mounts the document routes on mux.
func (a *DocumentsAPI) Register(mux Mux) {
	const m = "/api/v1/meetings/{meeting}"
	mux.HandleFunc("POST "+m+"/documents", a.upload)
	mux.HandleFunc("GET "+m+"/documents/{doc}/file", a.file)
	mux.HandleFunc("GET "+m+"/documents/{doc}/annotated", a.annotated)
	mux.HandleFunc("POST "+m+"/documents/{doc}/prepare", a.prepare)
	mux.HandleFunc("GET "+m+"/documents/{doc}/prepare", a.progress)
	mux.HandleFunc("GET "+m+"/packet.pdf", a.packet)
	mux.HandleFunc("GET "+m+"/minutes.pdf", a.minutes)
	mux.HandleFunc("GET "+m+"/elections/{election}/minutes.pdf", a.electionMinutes)
	mux.HandleFunc("GET "+m+"/ballots.csv", a.ballots)
	mux.HandleFunc("GET "+m+"/drafts/{draft}/comments", a.comments)
	mux.HandleFunc("GET "+m+"/drafts/{draft}/comments.pdf", a.commentsPDF)
	mux.HandleFunc("GET "+m+"/drafts/{draft}/comments.csv", a.commentsCSV)
	mux.HandleFunc("GET "+m+"/drafts/{draft}/compare", a.compare)
	mux.HandleFunc("GET "+m+"/secrecy/register", a.register)
	mux.HandleFunc("GET "+m+"/secrecy/register.pdf", a.registerPDF)
}

// Headers of a tablet's document requests.
const (
	// HeaderDevice carries the tablet's device id.
	HeaderDevice = "X-Dais-Device"
	// HeaderViewer marks the web viewer's request for what it shows.
	HeaderViewer = "X-Dais-Viewer"
	// HeaderOffline marks the request of a copy to keep for offline reading.
	HeaderOffline = "X-Dais-Offline"
)

// copyRequest reads what a document request asks for: the device, and the
// kind of copy (an offline copy, the viewer's, or a download). A browser's
// navigation (Sec-Fetch-Dest: document) is a download whatever it says.
func copyRequest(r *http.Request) (documents.Request, error) {
	req := documents.Request{Device: strings.TrimSpace(r.Header.Get(HeaderDevice)), Kind: meeting.CopyDownload}
	if req.Device != "" && !validDevice(req.Device) {
		return req, meeting.Errorf(meeting.Invalid,
			"Mã thiết bị không hợp lệ (tiêu đề X-Dais-Device): chữ, số, '-', '_', '.'; tối đa 64 ký tự.",
			"invalid device id in X-Dais-Device (letters, digits, '-', '_', '.'; at most 64)")
	}
	switch {
	case r.Header.Get("Sec-Fetch-Dest") == "document":
	case r.Header.Get(HeaderOffline) == "1":
		req.Kind = meeting.CopyOffline
	case r.Header.Get(HeaderViewer) == "1":
		req.Kind = meeting.CopyView
	}
	return req, nil
}

// validDevice reports whether a device id looks like one.
func validDevice(s string) bool {
	if len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c == '-' || c == '_' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

func (a *DocumentsAPI) register(w http.ResponseWriter, r *http.Request) {
	sess, err := a.session(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	reg, err := a.docs.Register(r.Context(), sess)
	if err != nil {
		WriteError(w, err)
		return
	}
	WriteJSON(w, http.StatusOK, reg)
}

func (a *DocumentsAPI) comments(w http.ResponseWriter, r *http.Request) {
	sess, err := a.session(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	c, err := a.docs.Comments(r.Context(), sess, r.PathValue("draft"))
	if err != nil {
		WriteError(w, err)
		return
	}
	w.Header().Set("Cache-Control", "private, no-store")
	WriteJSON(w, http.StatusOK, c)
}

func (a *DocumentsAPI) commentsPDF(w http.ResponseWriter, r *http.Request) {
	draft := r.PathValue("draft")
	a.record(w, r, func(m, lang string) string { return "tong-hop-y-kien-" + fileSafe(draft) + "-" + lang + ".pdf" },
		func(ctx context.Context, sess access.Session, w io.Writer, lang string) error {
			return a.docs.CommentsPDF(ctx, sess, draft, w, lang)
		})
}

func (a *DocumentsAPI) commentsCSV(w http.ResponseWriter, r *http.Request) {
	sess, err := a.session(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	draft := r.PathValue("draft")
	var buf bytes.Buffer
	if err := a.docs.CommentsCSV(r.Context(), sess, draft, &buf); err != nil {
		WriteError(w, err)
		return
	}
	writeDownload(w, "text/csv; charset=utf-8", "tong-hop-y-kien-"+fileSafe(draft)+".csv", buf.Bytes())
}

func (a *DocumentsAPI) compare(w http.ResponseWriter, r *http.Request) {
	sess, err := a.session(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	q := r.URL.Query()
	c, err := a.docs.Compare(r.Context(), sess, r.PathValue("draft"), q.Get("from"), q.Get("to"))
	if err != nil {
		WriteError(w, err)
		return
	}
	w.Header().Set("Cache-Control", "private, no-store")
	WriteJSON(w, http.StatusOK, c)
}

func (a *DocumentsAPI) registerPDF(w http.ResponseWriter, r *http.Request) {
	a.record(w, r, func(m, lang string) string { return "so-theo-doi-tai-lieu-mat-" + m + "-" + lang + ".pdf" }, a.docs.RegisterPDF)
}

// record serves a PDF record made for the session in ?lang= as a download
// named by name(meeting, lang) (lang vi when absent).
func (a *DocumentsAPI) record(w http.ResponseWriter, r *http.Request, name func(meeting, lang string) string, write func(context.Context, access.Session, io.Writer, string) error) {
	sess, err := a.session(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	lang := r.URL.Query().Get("lang")
	var buf bytes.Buffer
	if err := write(r.Context(), sess, &buf, lang); err != nil {
		WriteError(w, err)
		return
	}
	if lang == "" {
		lang = "vi"
	}
	writeDownload(w, "application/pdf", name(sess.Meeting, lang), buf.Bytes())
}

// documentMaxAge is how long a browser may reuse a document without asking
// again; after that it revalidates with the ETag.
const documentMaxAge = 5 * time.Minute

// session authenticates the request for the meeting of its path.
func (a *DocumentsAPI) session(r *http.Request) (access.Session, error) {
	return meetingSession(a.sessions, r)
}

func (a *DocumentsAPI) upload(w http.ResponseWriter, r *http.Request) {
	sess, err := a.session(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/pdf" && mt != "application/octet-stream") {
			WriteError(w, meeting.Errorf(meeting.Invalid,
				"Nội dung tải lên phải là tệp PDF (Content-Type application/pdf), không phải %q.",
				"the upload must be the raw PDF (Content-Type application/pdf), not %q", ct))
			return
		}
	}
	if a.maxBytes > 0 && r.ContentLength > a.maxBytes {
		WriteError(w, meeting.Errorf(meeting.Invalid,
			"Tệp tải lên quá lớn: giới hạn là %.1f MB.", "the upload is too large: the limit is %.1f MB",
			float64(a.maxBytes)/(1<<20)))
		return
	}
	// A signed-in secretary's upload may take longer than the server's
	// ReadTimeout: stretch this request's deadline by its size.
	if size := r.ContentLength; size > 0 || a.maxBytes > 0 {
		if size <= 0 {
			size = a.maxBytes
		}
		_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(transferTime(size)))
	}
	q := r.URL.Query()
	confidential, err := parseBool(q.Get("confidential"))
	if err != nil {
		WriteError(w, meeting.Errorf(meeting.Invalid,
			"Tham số confidential không hợp lệ: %q.", "invalid confidential parameter %q", q.Get("confidential")))
		return
	}
	var readers []string
	if s := q.Get("readers"); s != "" {
		readers = strings.Split(s, ",")
	}
	level := meeting.SecrecyLevel(q.Get("level"))
	if level.Secret() && len(readers) > 0 {
		confidential = true // named readers: reserved to them
	}
	doc, err := a.docs.UploadSecret(r.Context(), sess, r.Body, q.Get("title"), level, confidential, readers)
	if err != nil {
		WriteError(w, err)
		return
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/meetings/%s/documents/%s/file", url.PathEscape(sess.Meeting), url.PathEscape(doc.ID)))
	WriteJSON(w, http.StatusCreated, doc)
}

// parseBool reads a query flag: empty is false.
func parseBool(s string) (bool, error) {
	if s == "" {
		return false, nil
	}
	return strconv.ParseBool(s)
}

func (a *DocumentsAPI) file(w http.ResponseWriter, r *http.Request) {
	sess, err := a.session(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	req, err := copyRequest(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	f, err := a.docs.Open(r.Context(), sess, r.PathValue("doc"), req)
	if err != nil {
		WriteError(w, err)
		return
	}
	defer f.Close()
	serveFile(w, r, f, fmt.Sprintf("private, max-age=%d", int(documentMaxAge.Seconds())))
}

// annotated serves the reader's annotated copy: as the file route, but
// always revalidated (its ETag changes with each annotation).
func (a *DocumentsAPI) annotated(w http.ResponseWriter, r *http.Request) {
	sess, err := a.session(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	req, err := copyRequest(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	f, err := a.docs.Annotated(r.Context(), sess, r.PathValue("doc"), req)
	if err != nil {
		WriteError(w, err)
		return
	}
	defer f.Close()
	serveFile(w, r, f, "private, no-cache")
}

func (a *DocumentsAPI) packet(w http.ResponseWriter, r *http.Request) {
	sess, err := a.session(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	req, err := copyRequest(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	f, err := a.docs.Packet(r.Context(), sess, req)
	if err != nil {
		WriteError(w, err)
		return
	}
	defer f.Close()
	// The packet changes with the agenda: always revalidate.
	serveFile(w, r, f, "private, no-cache")
}

// minTransferRate is the slowest a download or an upload may go: a response
// of n bytes may take a minute plus n / minTransferRate seconds (a 20 MB
// PDF to a tablet at the far end of the room's Wi-Fi: 22 minutes), beyond
// the server's WriteTimeout and ReadTimeout, which bound everything else.
const minTransferRate = 16 << 10

// transferTime is how long moving n bytes may take.
func transferTime(n int64) time.Duration {
	return time.Minute + time.Duration(n/minTransferRate)*time.Second
}

// serveFile serves a PDF with ranges, its ETag and Last-Modified. A
// personal file (documents.File.Personal) is served no-store, whatever
// cacheControl says, and varies by the credentials that chose it.
func serveFile(w http.ResponseWriter, r *http.Request, f *documents.File, cacheControl string) {
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	if f.Personal {
		cacheControl = "private, no-store"
		h.Set("Vary", "Authorization, Cookie")
	}
	h.Set("Cache-Control", cacheControl)
	h.Set("X-Content-Type-Options", "nosniff")
	if size, err := f.Seek(0, io.SeekEnd); err == nil {
		if _, err := f.Seek(0, io.SeekStart); err == nil {
			_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(transferTime(size)))
		}
	}
	if f.ETag != "" {
		h.Set("ETag", `"`+f.ETag+`"`)
	}
	if f.Name != "" {
		h.Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": f.Name}))
	}
	// Hand ServeContent the file itself when it is one: the HTTP server
	// then sends it with sendfile(2) instead of copying it through user space.
	var content io.ReadSeeker = f
	if osf, ok := f.ReadSeekCloser.(*os.File); ok {
		content = osf
	}
	http.ServeContent(w, r, "", f.ModTime, content)
}

func (a *DocumentsAPI) prepare(w http.ResponseWriter, r *http.Request) {
	sess, err := a.session(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	p, err := a.docs.Prepare(r.Context(), sess, r.PathValue("doc"))
	if err != nil {
		WriteError(w, err)
		return
	}
	WriteJSON(w, http.StatusAccepted, p)
}

func (a *DocumentsAPI) progress(w http.ResponseWriter, r *http.Request) {
	sess, err := a.session(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	p, err := a.docs.Progress(r.Context(), sess, r.PathValue("doc"))
	if err != nil {
		WriteError(w, err)
		return
	}
	WriteJSON(w, http.StatusOK, p)
}

func (a *DocumentsAPI) minutes(w http.ResponseWriter, r *http.Request) {
	a.record(w, r, func(m, lang string) string { return "bien-ban-" + m + "-" + lang + ".pdf" }, a.docs.Minutes)
}

func (a *DocumentsAPI) electionMinutes(w http.ResponseWriter, r *http.Request) {
	election := r.PathValue("election")
	name := func(m, lang string) string {
		return "bien-ban-kiem-phieu-" + m + "-" + fileSafe(election) + "-" + lang + ".pdf"
	}
	a.record(w, r, name, func(ctx context.Context, sess access.Session, w io.Writer, lang string) error {
		return a.docs.ElectionMinutes(ctx, sess, election, w, lang)
	})
}

// fileSafe keeps the letters, digits, dashes and underscores of an id for a
// file name.
func fileSafe(id string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return r
		}
		return -1
	}, id)
}

func (a *DocumentsAPI) ballots(w http.ResponseWriter, r *http.Request) {
	sess, err := a.session(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	var buf bytes.Buffer
	if err := a.docs.BallotsCSV(r.Context(), sess, &buf); err != nil {
		WriteError(w, err)
		return
	}
	writeDownload(w, "text/csv; charset=utf-8", "bieu-quyet-"+sess.Meeting+".csv", buf.Bytes())
}

// writeDownload answers with a generated file that is not to be cached.
func writeDownload(w http.ResponseWriter, contentType, name string, b []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}
