package bridge

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/access"
	"github.com/dais-meeting/dais/meeting/documents"
)

// fileSubject: dais.site.<site>.file.<meeting>.
func fileSubject(site, meetingID string) string { return siteSubject(site, "file", meetingID) }

// fileChunk is the most a file answer carries (the embedded NATS carries
// 8 MB messages).
const fileChunk = 1 << 20

// fileRequest asks for a document as a session may read it (the centre
// checks, and registers a secret document's copy), and Length bytes of it
// from Offset (Length 0: only what it is).
type fileRequest struct {
	Token string `json:"token"`
	// What is the copy asked for: "" the document as Open gives it (a
	// secret one watermarked for the reader), whatAnnotated the reader's
	// annotated copy of Doc, whatPacket the reader's agenda packet (no
	// Doc).
	What   string `json:"what,omitempty"`
	Doc    string `json:"doc,omitempty"`
	Device string `json:"device,omitempty"`
	Kind   string `json:"kind,omitempty"`
	Offset int64  `json:"offset,omitempty"`
	Length int64  `json:"length,omitempty"`
}

// fileMeta says what a document's file is for a reader.
type fileMeta struct {
	ETag     string    `json:"etag"`
	Name     string    `json:"name"`
	Size     int64     `json:"size"`
	ModTime  time.Time `json:"mod_time,omitzero"`
	Personal bool      `json:"personal,omitempty"`
}

// fileReply is the answer to a file request. On the wire it is framed:
// 4 bytes (big-endian) of the JSON's length, the JSON without the data,
// then the data's raw bytes (base64 in JSON would cost a third more of
// the WAN).
type fileReply struct {
	fileMeta
	Data  []byte         `json:"-"`
	Error *meeting.Error `json:"error,omitempty"`
}

// rawReply is an answer the hub sends as it is.
type rawReply []byte

func (r fileReply) encode() rawReply {
	js, _ := json.Marshal(r)
	out := make([]byte, 4, 4+len(js)+len(r.Data))
	binary.BigEndian.PutUint32(out, uint32(len(js)))
	return append(append(out, js...), r.Data...)
}

func (r *fileReply) decode(b []byte) error {
	if len(b) < 4 || uint64(binary.BigEndian.Uint32(b)) > uint64(len(b)-4) {
		return errors.New("bridge: a short file answer")
	}
	n := 4 + int(binary.BigEndian.Uint32(b))
	if err := json.Unmarshal(b[4:n], r); err != nil {
		return err
	}
	r.Data = b[n:]
	return nil
}

// What a file request may ask for besides the document itself.
const (
	whatAnnotated = "annotated"
	whatPacket    = "packet"
)

// HubDocuments opens a meeting's documents as a session may read them
// (*documents.Documents): the document, the reader's annotated copy, the
// reader's packet.
type HubDocuments interface {
	Open(ctx context.Context, sess access.Session, docID string, req ...documents.Request) (*documents.File, error)
	Annotated(ctx context.Context, sess access.Session, docID string, req ...documents.Request) (*documents.File, error)
	Packet(ctx context.Context, sess access.Session, req ...documents.Request) (*documents.File, error)
}

// file answers a file request: the document opened as the token's session
// may read it, and the bytes asked for.
func (h *Hub) file(ctx context.Context, subject string, data []byte) any {
	return h.fileReply(ctx, subject, data).encode()
}

func (h *Hub) fileReply(ctx context.Context, subject string, data []byte) fileReply {
	id := meetingOf(subject)
	var req fileRequest
	if !meeting.ValidMeetingID(id) || decodeJSON(data, &req) != nil || req.Offset < 0 || req.Length < 0 {
		return fileReply{Error: badRequest()}
	}
	if h.docs == nil {
		return fileReply{Error: meeting.Errorf(meeting.NotFound, "Máy chủ này không phục vụ tài liệu", "this node serves no documents")}
	}
	sess, err := h.sessions.Authenticate(ctx, req.Token)
	if err != nil {
		return fileReply{Error: errorOf(err)}
	}
	if sess.Meeting != id {
		return fileReply{Error: meeting.Errorf(meeting.Forbidden, "Phiên đăng nhập thuộc hội nghị khác", "the session belongs to another meeting")}
	}
	var f *documents.File
	dreq := documents.Request{Device: req.Device, Kind: req.Kind}
	switch req.What {
	case "":
		f, err = h.docs.Open(ctx, sess, req.Doc, dreq)
	case whatAnnotated:
		f, err = h.docs.Annotated(ctx, sess, req.Doc, dreq)
	case whatPacket:
		f, err = h.docs.Packet(ctx, sess, dreq)
	default:
		return fileReply{Error: badRequest()}
	}
	if err != nil {
		return fileReply{Error: errorOf(err)}
	}
	defer f.Close()
	size, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		return fileReply{Error: unavailable(err)}
	}
	reply := fileReply{fileMeta: fileMeta{ETag: f.ETag, Name: f.Name, Size: size, ModTime: f.ModTime, Personal: f.Personal}}
	if req.Length == 0 || req.Offset >= size {
		return reply
	}
	n := min(req.Length, fileChunk, size-req.Offset)
	if _, err := f.Seek(req.Offset, io.SeekStart); err != nil {
		return fileReply{Error: unavailable(err)}
	}
	reply.Data = make([]byte, n)
	if _, err := io.ReadFull(f, reply.Data); err != nil {
		return fileReply{Error: unavailable(err)}
	}
	return reply
}

// Files serves the site's tablets the meeting's documents: each file is
// fetched from the centre once per site (per reader for a watermarked
// copy), kept in a folder of the edge, and served from there (ranges and
// ETags as a central node). The centre decides who may read what, and
// registers secret copies, on every open while the link is up (its yes
// serving the same reader's next ranges of that copy briefly: confirm.go);
// while it is cut, a reader gets again what they were given before the cut.
type Files struct {
	e   *Edge
	dir string

	mu      sync.Mutex
	flights map[string]*flight   // by cache name: fetches under way
	given   map[string]givenCopy // by meeting/participant/doc: what a reader got last (given.go)
	// confirmed are the centre's recent yeses (confirm.go).
	confirmed map[string]confirmation
	// givenDirty are the records to write; givenKick wakes their writer
	// (nil: written at once).
	givenDirty map[string]bool
	givenKick  chan struct{}

	// The folder's bound (filecache.go).
	evictMu sync.Mutex // one eviction at a time
	cacheMu sync.Mutex
	entries map[string]*cacheEntry // by cache name
	total   int64
	max     int64 // 0: not bound yet (Bound)
	local   LocalMeetings
	// overWarned: the folder was left past its bound (guarded by evictMu).
	overWarned bool
}

type flight struct {
	done chan struct{}
	err  error
}

// Files returns the site's documents, cached in dir.
func (e *Edge) Files(dir string) (*Files, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("bridge: the documents folder: %w", err)
	}
	fs := &Files{e: e, dir: dir, flights: map[string]*flight{}, given: map[string]givenCopy{}, givenDirty: map[string]bool{}, confirmed: map[string]confirmation{}}
	if err := fs.scan(); err != nil {
		return nil, fmt.Errorf("bridge: the documents folder: %w", err)
	}
	if err := fs.loadGiven(); err != nil {
		return nil, fmt.Errorf("bridge: the copies given to readers: %w", err)
	}
	fs.startGivenWriter()
	return fs, nil
}

// cacheName is the file an ETag is kept under.
func cacheName(etag string) string {
	sum := sha256.Sum256([]byte("dais/bridge/file\x00" + etag))
	return hex.EncodeToString(sum[:])
}

// Open returns a document's file as sess may read it: a secret
// document's copy is the reader's, watermarked with their name, fetched
// for them alone (once, then kept for their re-downloads).
func (fs *Files) Open(ctx context.Context, sess access.Session, docID string, req ...documents.Request) (*documents.File, error) {
	return fs.open(ctx, sess, "", docID, req)
}

// Annotated returns the reader's annotated copy of a document, made at
// the centre (their private annotations and the room's shared ones drawn
// in), fetched for them once per version of their annotations and kept.
func (fs *Files) Annotated(ctx context.Context, sess access.Session, docID string, req ...documents.Request) (*documents.File, error) {
	return fs.open(ctx, sess, whatAnnotated, docID, req)
}

// Packet returns the reader's agenda packet, made at the centre, fetched
// for them once per version of the agenda and kept.
func (fs *Files) Packet(ctx context.Context, sess access.Session, req ...documents.Request) (*documents.File, error) {
	return fs.open(ctx, sess, whatPacket, "", req)
}

// open serves what (a document, an annotated copy, a packet): the centre
// says what the reader's file is (and checks that they may have it), the
// edge fetches its bytes once per ETag and serves them from its folder.
// While the link is cut a reader gets again what they were given before;
// anything else is refused Unavailable.
func (fs *Files) open(ctx context.Context, sess access.Session, what, docID string, req []documents.Request) (*documents.File, error) {
	var r documents.Request
	if len(req) > 0 {
		r = req[0]
	}
	ref := docID // what the file is a copy of, in the folder's references
	if what != "" {
		ref = strings.TrimSuffix(what+":"+docID, ":")
	}
	key := sess.Meeting + "/" + sess.Participant + "/" + ref
	if meta, ok := fs.confirmedCopy(key, sess.Meeting); ok {
		if f, err := os.Open(filepath.Join(fs.dir, cacheName(meta.ETag))); err == nil {
			fs.used(cacheName(meta.ETag), sess.Meeting, ref)
			return &documents.File{ReadSeekCloser: f, Name: meta.Name, ETag: meta.ETag, ModTime: meta.ModTime, Personal: meta.Personal}, nil
		}
	}
	epoch := fs.e.epochs.get(sess.Meeting)
	token := fs.e.token(sess)
	base := fileRequest{Token: token, What: what, Doc: docID, Device: r.Device, Kind: r.Kind}
	var reply fileReply
	err := fs.request(ctx, sess.Meeting, base, &reply)
	if err == nil && reply.Error != nil {
		return nil, reply.Error
	}
	meta, fetched := reply.fileMeta, err == nil
	if err != nil {
		// Cut (or no answer): what this reader was given before.
		fs.mu.Lock()
		m, ok := fs.given[key]
		fs.mu.Unlock()
		if !ok || !fs.cached(m.ETag) {
			return nil, err
		}
		meta = m.fileMeta
	} else if err := fs.fetch(ctx, sess.Meeting, base, meta); err != nil {
		return nil, err
	}
	fs.remember(key, meta)
	if fetched {
		fs.confirm(key, meta.ETag, epoch)
	}
	name := cacheName(meta.ETag)
	f, err := os.Open(filepath.Join(fs.dir, name))
	if errors.Is(err, os.ErrNotExist) && fetched {
		// Removed over the folder's bound meanwhile: fetch it again.
		if err = fs.fetch(ctx, sess.Meeting, base, meta); err == nil {
			f, err = os.Open(filepath.Join(fs.dir, name))
		}
	}
	if err != nil {
		var me *meeting.Error
		if errors.As(err, &me) {
			return nil, err
		}
		return nil, errorOf(err)
	}
	fs.used(name, sess.Meeting, ref)
	fs.evict(ctx) // the reader holds the file open: it may go from the folder
	return &documents.File{ReadSeekCloser: f, Name: meta.Name, ETag: meta.ETag, ModTime: meta.ModTime, Personal: meta.Personal}, nil
}

// request asks the centre for (part of) a file.
func (fs *Files) request(ctx context.Context, meetingID string, req fileRequest, out *fileReply) error {
	var raw rawReply
	if err := fs.e.request(ctx, fileSubject(fs.e.cfg.Site, meetingID), req, &raw); err != nil {
		return err
	}
	if err := out.decode(raw); err != nil {
		return errorOf(err)
	}
	return nil
}

func (fs *Files) cached(etag string) bool {
	_, err := os.Stat(filepath.Join(fs.dir, cacheName(etag)))
	return err == nil
}

// fetch brings the file meta names into the cache, once: concurrent opens
// of the same file wait for the one fetch.
func (fs *Files) fetch(ctx context.Context, meetingID string, base fileRequest, meta fileMeta) error {
	name := cacheName(meta.ETag)
	for {
		if fs.cached(meta.ETag) {
			return nil
		}
		fs.mu.Lock()
		fl := fs.flights[name]
		if fl == nil {
			fl = &flight{done: make(chan struct{})}
			fs.flights[name] = fl
			fs.mu.Unlock()
			fl.err = fs.download(ctx, meetingID, base, meta, name)
			fs.mu.Lock()
			delete(fs.flights, name)
			fs.mu.Unlock()
			close(fl.done)
			return fl.err
		}
		fs.mu.Unlock()
		select {
		case <-fl.done:
			if fl.err == nil {
				return nil
			}
			// Its fetch failed (perhaps its reader's context ended): try
			// with ours.
		case <-ctx.Done():
			return errUnknown().WithCause(ctx.Err())
		}
	}
}

// download reads the file from the centre in chunks into the cache; a
// public document's bytes are checked against its sha256 (its ETag).
func (fs *Files) download(ctx context.Context, meetingID string, base fileRequest, meta fileMeta, name string) error {
	tmp, err := os.CreateTemp(fs.dir, name+".*.part")
	if err != nil {
		return errorOf(err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	h := sha256.New()
	w := io.MultiWriter(tmp, h)
	for off := int64(0); off < meta.Size; {
		req := base
		req.Offset, req.Length = off, fileChunk
		var reply fileReply
		if err := fs.request(ctx, meetingID, req, &reply); err != nil {
			return err
		}
		switch {
		case reply.Error != nil:
			return reply.Error
		case reply.ETag != meta.ETag || reply.Size != meta.Size:
			return meeting.Errorf(meeting.Conflict, "Tài liệu vừa thay đổi; xin mở lại", "the document changed meanwhile; open it again")
		case len(reply.Data) == 0:
			return errorOf(errors.New("bridge: the centre sent an empty chunk"))
		}
		if _, err := w.Write(reply.Data); err != nil {
			return errorOf(err)
		}
		off += int64(len(reply.Data))
	}
	if !meta.Personal && len(meta.ETag) == 64 && hex.EncodeToString(h.Sum(nil)) != meta.ETag {
		return errorOf(fmt.Errorf("bridge: the document's bytes do not match its sha256 %s", meta.ETag))
	}
	if err := tmp.Sync(); err != nil {
		return errorOf(err)
	}
	if err := tmp.Close(); err != nil {
		return errorOf(err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(fs.dir, name)); err != nil {
		return errorOf(err)
	}
	return nil
}

// errCentreOnly refuses what only the centre serves.
func errCentreOnly() error {
	return meeting.Errorf(meeting.Unavailable,
		"Chức năng này chỉ có ở máy chủ trung tâm, chưa có tại điểm cầu", "this is served by the centre only, not at a bridge site")
}

// UploadSecret is refused: documents are uploaded at the centre.
func (fs *Files) UploadSecret(context.Context, access.Session, io.Reader, string, meeting.SecrecyLevel, bool, []string) (meeting.Document, error) {
	return meeting.Document{}, errCentreOnly()
}

// Prepare is refused at a site.
func (fs *Files) Prepare(context.Context, access.Session, string) (documents.Progress, error) {
	return documents.Progress{}, errCentreOnly()
}

// Progress is refused at a site.
func (fs *Files) Progress(context.Context, access.Session, string) (documents.Progress, error) {
	return documents.Progress{}, errCentreOnly()
}

// Register is refused at a site.
func (fs *Files) Register(context.Context, access.Session) (meeting.Register, error) {
	return meeting.Register{}, errCentreOnly()
}

// RegisterPDF is refused at a site.
func (fs *Files) RegisterPDF(context.Context, access.Session, io.Writer, string) error {
	return errCentreOnly()
}

// Minutes is refused at a site.
func (fs *Files) Minutes(context.Context, access.Session, io.Writer, string) error {
	return errCentreOnly()
}

// BallotsCSV is refused at a site.
func (fs *Files) BallotsCSV(context.Context, access.Session, io.Writer) error {
	return errCentreOnly()
}

// ElectionMinutes is refused at a site.
func (fs *Files) ElectionMinutes(context.Context, access.Session, string, io.Writer, string) error {
	return errCentreOnly()
}

// Comments is refused at a site: drafts for comment are read at the centre.
func (fs *Files) Comments(context.Context, access.Session, string) (*documents.DraftComments, error) {
	return nil, errCentreOnly()
}

// CommentsPDF is refused at a site.
func (fs *Files) CommentsPDF(context.Context, access.Session, string, io.Writer, string) error {
	return errCentreOnly()
}

// CommentsCSV is refused at a site.
func (fs *Files) CommentsCSV(context.Context, access.Session, string, io.Writer) error {
	return errCentreOnly()
}

// Compare is refused at a site.
func (fs *Files) Compare(context.Context, access.Session, string, string, string) (*documents.Comparison, error) {
	return nil, errCentreOnly()
}
