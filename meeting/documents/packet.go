package documents

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/access"
	"github.com/dais-meeting/dais/meeting/pdf"
)

// Packet returns the agenda packet of the session's participant: one PDF of
// the documents attached to the agenda items that they may read, in agenda
// order (each item followed by its sub-items), secret ones watermarked for
// them (the level on every page, and before the document's title in its
// bookmark), with a bookmark per item and per document. A secret document
// the level's rules keep out of downloads (Tối mật, Tuyệt mật by default),
// or taken back, is left out for a delegate; each secret copy in the
// packet is recorded in the copy register (req: the device). The
// packet is kept in the cache per reader and per version of the agenda and
// its documents: a changed agenda makes a new one. A reader with nothing to
// read gets a NotFound error.
func (d *Documents) Packet(ctx context.Context, sess access.Session, req ...Request) (*File, error) {
	st, p, err := d.state(ctx, sess)
	if err != nil {
		return nil, err
	}
	items := packetItems(st, p.ID)
	if len(items) == 0 {
		return nil, meeting.Errorf(meeting.NotFound,
			"Chương trình họp chưa có tài liệu nào dành cho bạn.", "the agenda has no documents for you yet")
	}
	r := request(req)
	r.Kind = meeting.CopyPacket
	keyParts := []string{st.ID, p.ID}
	for _, it := range items {
		keyParts = append(keyParts, "item", it.title)
		for _, doc := range it.docs {
			keyParts = append(keyParts, doc.ID, doc.Title, doc.SHA256, string(doc.Secrecy()), d.watermarkText(st, doc, p))
			if doc.Secrecy().Secret() {
				if err := d.register(ctx, st, doc, p, r); err != nil {
					return nil, err
				}
			}
		}
	}
	key := shortHash(keyParts...)
	folder := filepath.Join(d.dir, "packets", fileName(st.ID))
	path := filepath.Join(folder, fileName(p.ID)+"."+key+".pdf")
	name := "Bo-tai-lieu-" + st.ID + ".pdf"

	if _, err := os.Stat(path); err != nil {
		err = d.flights.do(ctx, path, func() error {
			if _, err := os.Stat(path); err == nil {
				return nil
			}
			return d.makePacket(d.ctx, st, p, items, path)
		})
		if err != nil {
			if ctx.Err() != nil {
				return nil, meeting.Errorf(meeting.Unavailable, "Yêu cầu đã bị hủy.", "the request was cancelled")
			}
			return nil, err
		}
		d.removeOldPackets(folder, fileName(p.ID), path)
	}
	f, err := openFile(path, name, "p"+key)
	if err != nil {
		return nil, unavailable(err, "Không thể mở bộ tài liệu", "cannot open the packet")
	}
	return f, nil
}

// packetItem is an agenda item with the documents one reader may read.
type packetItem struct {
	title string
	docs  []*meeting.Document
}

// packetItems lists the agenda items in order, parents before their
// sub-items, each with the documents reader may read; items without any are
// left out.
func packetItems(st *meeting.State, reader string) []packetItem {
	var out []packetItem
	add := func(it meeting.Item, number string) {
		var docs []*meeting.Document
		for _, id := range it.Documents {
			doc := st.Documents[id]
			if doc == nil || !st.CanRead(reader, id) {
				continue
			}
			if doc.Secrecy().Secret() && st.MayCopy(reader, id, meeting.CopyPacket) != nil {
				continue
			}
			{
				docs = append(docs, doc)
			}
		}
		if len(docs) > 0 {
			out = append(out, packetItem{title: number + " " + it.Title, docs: docs})
		}
	}
	n := 0
	for _, it := range st.Agenda {
		if it.Parent != "" && st.Item(it.Parent) != nil {
			continue
		}
		n++
		add(it, fmt.Sprintf("%d.", n))
		m := 0
		for _, sub := range st.Agenda {
			if sub.Parent == it.ID {
				m++
				add(sub, fmt.Sprintf("%d.%d.", n, m))
			}
		}
	}
	return out
}

// makePacket writes reader p's packet of items to path.
func (d *Documents) makePacket(ctx context.Context, st *meeting.State, p *meeting.Participant, items []packetItem, path string) error {
	var files []io.Closer
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	var pitems []pdf.PacketItem
	for _, it := range items {
		pit := pdf.PacketItem{Title: it.title}
		for _, doc := range it.docs {
			var f *File
			var err error
			title := doc.Title
			if lv := doc.Secrecy(); lv.Secret() {
				f, err = d.openCopy(ctx, st, doc, p, "")
				title = "[" + lv.Stamp() + "] " + title
			} else {
				f, err = d.openBlob(ctx, doc.SHA256, "")
			}
			if err != nil {
				return err
			}
			files = append(files, f)
			pit.Documents = append(pit.Documents, pdf.PacketDocument{Title: title, PDF: f})
		}
		pitems = append(pitems, pit)
	}
	err := writeAtomically(path, func(w io.Writer) error {
		return d.engine.Packet(ctx, w, pitems)
	})
	if err != nil {
		return unavailable(err, "Không thể tạo bộ tài liệu", "cannot make the packet")
	}
	return nil
}

// removeOldPackets deletes reader's packets of earlier agenda versions.
func (d *Documents) removeOldPackets(folder, reader, keep string) {
	old, err := filepath.Glob(filepath.Join(folder, reader+".*.pdf"))
	if err != nil {
		return
	}
	for _, f := range old {
		if f != keep && strings.HasPrefix(filepath.Base(f), reader+".") {
			if err := os.Remove(f); err != nil && !os.IsNotExist(err) {
				d.log.Warn("removing an old packet failed", "path", f, "err", err)
			}
		}
	}
}

// Minutes writes the minutes of the session's meeting as PDF to w, in lang
// ("vi" or "en"). Only the chair and the secretaries may.
func (d *Documents) Minutes(ctx context.Context, sess access.Session, w io.Writer, lang string) error {
	st, err := d.record(ctx, sess)
	if err != nil {
		return err
	}
	if f := d.conclusions.Load(); f != nil && *f != nil {
		cs, err := (*f)(ctx, st.ID)
		if err != nil {
			return err
		}
		return d.engine.MinutesWith(ctx, w, st, lang, cs)
	}
	return d.engine.Minutes(ctx, w, st, lang)
}

// ElectionMinutes writes the counting minutes (biên bản kiểm phiếu) of
// the election or confidence vote election of the session's meeting as PDF
// to w, in lang ("vi" or "en"): every round so far. The chair, the
// secretaries and the members of the counting committee may.
func (d *Documents) ElectionMinutes(ctx context.Context, sess access.Session, election string, w io.Writer, lang string) error {
	st, p, err := d.state(ctx, sess)
	if err != nil {
		return err
	}
	if p.Role != meeting.RoleChair && p.Role != meeting.RoleSecretary && !slices.Contains(st.Committee, p.ID) {
		return meeting.Errorf(meeting.Forbidden,
			"Chỉ chủ tọa, thư ký và thành viên ban kiểm phiếu mới được tải biên bản kiểm phiếu.",
			"only the chair, the secretaries and the counting committee may download the counting minutes")
	}
	in, err := pdf.CountingInputFrom(st, election)
	if err != nil {
		return err
	}
	return d.engine.CountingMinutes(ctx, w, in, lang)
}

// BallotsCSV writes the ballots by name of the session's meeting as CSV to
// w. Only the chair and the secretaries may.
func (d *Documents) BallotsCSV(ctx context.Context, sess access.Session, w io.Writer) error {
	st, err := d.record(ctx, sess)
	if err != nil {
		return err
	}
	return pdf.BallotsCSV(w, st)
}

// record returns the meeting's state for the chair or a secretary.
func (d *Documents) record(ctx context.Context, sess access.Session) (*meeting.State, error) {
	st, p, err := d.state(ctx, sess)
	if err != nil {
		return nil, err
	}
	if p.Role != meeting.RoleChair && p.Role != meeting.RoleSecretary {
		return nil, meeting.Errorf(meeting.Forbidden,
			"Chỉ chủ tọa và thư ký mới được tải biên bản và kết quả biểu quyết.",
			"only the chair and the secretaries may download the minutes and the ballot record")
	}
	return st, nil
}
