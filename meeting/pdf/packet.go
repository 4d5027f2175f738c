package pdf

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"

	"github.com/dais-meeting/dais/meeting"
)

const opPacket = "packet"

// PacketItem is one agenda item of a packet: its title and its documents,
// in order.
type PacketItem struct {
	Title     string
	Documents []PacketDocument
}

// PacketDocument is one document of a packet item. PDF is read from its
// start and not kept.
type PacketDocument struct {
	Title string
	PDF   io.ReadSeeker
}

// Packet writes to dst one PDF of all the items' documents in order, with
// a bookmark per agenda item (pointing at its first document) and, nested
// under it, one per document. An item without documents gets no bookmark.
// The documents should have passed Validate.
func (e *Engine) Packet(ctx context.Context, dst io.Writer, items []PacketItem) error {
	type doc struct {
		item      int
		itemTitle string
		title     string
		b         []byte
	}
	var docs []doc
	var total int64
	for i, it := range items {
		if strings.TrimSpace(it.Title) == "" {
			return meeting.Errorf(meeting.Invalid, "Mục %d của bộ tài liệu thiếu tiêu đề.", "item %d of the packet has no title", i+1)
		}
		for j, d := range it.Documents {
			b, err := e.readAll(d.PDF)
			if err != nil {
				return err
			}
			total += int64(len(b))
			title := d.Title
			if strings.TrimSpace(title) == "" {
				title = fmt.Sprintf("Tài liệu %d", j+1)
			}
			docs = append(docs, doc{item: i, itemTitle: it.Title, title: title, b: b})
		}
	}
	if len(docs) == 0 {
		return meeting.Errorf(meeting.Invalid, "Bộ tài liệu không có tài liệu nào.", "the packet has no documents")
	}
	// A packet may be larger than one upload, but not without bound.
	if limit := 4 * e.cfg.MaxBytes; total > limit {
		return tooLarge(total, limit)
	}
	var out bytes.Buffer
	err := e.do(ctx, opPacket, opInput, func() error {
		var bms []pdfcpu.Bookmark
		rss := make([]io.ReadSeeker, len(docs))
		page := 1
		for i, d := range docs {
			n, err := api.PageCount(bytes.NewReader(d.b), e.newConf())
			if err != nil {
				return corruptFor(opPacket, fmt.Errorf("document %q: %w", d.title, err))
			}
			if n < 1 || n > e.cfg.MaxPages {
				return meeting.Errorf(meeting.Invalid, "Tài liệu %q có %d trang; cho phép từ 1 đến %d trang.",
					"document %q has %d pages; from 1 to %d are allowed", d.title, n, e.cfg.MaxPages)
			}
			kid := pdfcpu.Bookmark{Title: nfc(d.title), PageFrom: page}
			if i == 0 || docs[i-1].item != d.item {
				bms = append(bms, pdfcpu.Bookmark{Title: nfc(d.itemTitle), PageFrom: page, Bold: true})
			}
			last := &bms[len(bms)-1]
			last.Kids = append(last.Kids, kid)
			rss[i] = bytes.NewReader(d.b)
			page += n
		}
		var merged bytes.Buffer
		if err := api.MergeRaw(rss, &merged, false, e.newConf()); err != nil {
			return corruptFor(opPacket, fmt.Errorf("merge: %w", err))
		}
		if err := api.AddBookmarks(bytes.NewReader(merged.Bytes()), &out, bms, true, e.newConf()); err != nil {
			return corruptFor(opPacket, fmt.Errorf("bookmarks: %w", err))
		}
		return nil
	})
	if err != nil {
		return err
	}
	if _, err := dst.Write(out.Bytes()); err != nil {
		return fmt.Errorf("pdf: write packet: %w", err)
	}
	return nil
}
