package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/access"
	"github.com/dais-meeting/dais/meeting/service"
	"github.com/dais-meeting/dais/storage"
)

// seedStore is what seeding needs: the service's store and somewhere to put
// the document's file.
type seedStore interface {
	service.Store
	storage.Blobs
	storage.Sessions
}

// seedSpec says what to prepare.
type seedSpec struct {
	// Meetings is how many meetings; Delegates how many delegates in each.
	Meetings, Delegates int
	// Sites, if not 0, adds a room per bridge site (bridgeRoom) to each
	// meeting, delegate k in site (k-1) % Sites + 1's room: the bridge
	// scenario puts tablet k-1 at that site.
	Sites int
	// Doc is the document's file (see docFile).
	Doc []byte
}

// Seeded is one prepared meeting: its ids and one-time invitation codes.
type Seeded struct {
	ID        string   `json:"id"`
	Chair     string   `json:"chair"`     // the chair's invitation code
	Secretary string   `json:"secretary"` // the secretary's invitation code
	Delegates []string `json:"delegates"` // the delegates' codes, d0001 first
	Document  string   `json:"document"`  // the document shown, with Pages pages
	Pages     int      `json:"pages"`
	Polls     []string `json:"polls"` // prepared named polls, not yet opened
}

const (
	benchDoc   = "doc1"
	benchPages = 100
	benchPolls = 4
)

// nopBus is the publisher while seeding: no node is running yet.
type nopBus struct{}

func (nopBus) PublishEvents(context.Context, string, []meeting.Event) error { return nil }

// docFile returns size bytes that start like a PDF: the download scenario
// measures transfer, and public documents are served as stored.
func docFile(size int64) []byte {
	if size <= 0 {
		size = 1024
	}
	b := make([]byte, size)
	_, _ = rand.Read(b)
	copy(b, "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	copy(b[len(b)-6:], "%%EOF\n")
	return b
}

// seed prepares spec.Meetings meetings "bench-1"… in store, each with a
// secretary, a chair, spec.Delegates delegates in one hall, a document of
// benchPages pages shown at page 1, a session in progress and benchPolls
// named polls, and returns their invitation codes. Nobody is checked in.
func seed(ctx context.Context, store seedStore, spec seedSpec) ([]Seeded, error) {
	svc := service.New(store, nopBus{}, service.Options{SnapshotEvery: 1 << 20})
	acc := access.New(store, svc, access.Options{})
	blob, err := store.PutBlob(ctx, bytes.NewReader(spec.Doc))
	if err != nil {
		return nil, fmt.Errorf("storing the document: %w", err)
	}
	var out []Seeded
	for m := 1; m <= spec.Meetings; m++ {
		id := "bench-" + strconv.Itoa(m)
		sec := meeting.Actor{Participant: "sec"}
		chair := meeting.Actor{Participant: "chair"}
		do := func(actor meeting.Actor, cmd meeting.Command) error {
			if _, err := svc.Execute(ctx, id, actor, cmd); err != nil {
				return fmt.Errorf("seeding %s: %s: %w", id, cmd.CommandName(), err)
			}
			return nil
		}
		cmds := []meeting.Command{
			meeting.CreateMeeting{ID: id, Title: "Kỳ họp thử tải " + strconv.Itoa(m), Place: "Hội trường",
				StartsAt:  time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC),
				Rooms:     []meeting.Room{{ID: "main", Name: "Hội trường chính", Main: true}},
				Secretary: meeting.Participant{ID: "sec", Name: "Thư ký", Role: meeting.RoleSecretary, Room: "main"}},
			meeting.AddParticipant{Participant: meeting.Participant{ID: "chair", Name: "Chủ tọa", Role: meeting.RoleChair, Room: "main", Seat: "A00"}},
		}
		for i := 1; i <= spec.Sites; i++ {
			cmds = append(cmds, meeting.AddRoom{Room: meeting.Room{ID: bridgeRoom(i), Name: "Điểm cầu " + strconv.Itoa(i)}})
		}
		for i := 1; i <= spec.Delegates; i++ {
			room := "main"
			if spec.Sites > 0 {
				room = bridgeRoom((i-1)%spec.Sites + 1)
			}
			cmds = append(cmds, meeting.AddParticipant{Participant: meeting.Participant{
				ID: delegateID(i), Name: "Đại biểu " + strconv.Itoa(i), Role: meeting.RoleDelegate, Room: room, Seat: "S" + strconv.Itoa(i)}})
		}
		cmds = append(cmds,
			meeting.AddDocument{Document: meeting.Document{ID: benchDoc, Title: "Tài liệu thử tải", Pages: benchPages, SHA256: blob.SHA256, Size: blob.Size}},
			meeting.AddAgendaItem{Item: meeting.Item{ID: "i1", Title: "Nội dung chính", Documents: []string{benchDoc}}},
		)
		s := Seeded{ID: id, Document: benchDoc, Pages: benchPages}
		for p := 1; p <= benchPolls; p++ {
			pid := "v" + strconv.Itoa(p)
			s.Polls = append(s.Polls, pid)
			cmds = append(cmds, meeting.CreatePoll{Poll: meeting.Poll{ID: pid, Question: "Biểu quyết thử " + pid,
				Rule: meeting.Rule{Base: meeting.BaseCast, Threshold: meeting.Simple}}})
		}
		cmds = append(cmds, meeting.Publish{})
		for _, c := range cmds {
			if err := do(sec, c); err != nil {
				return nil, err
			}
		}
		for _, c := range []meeting.Command{meeting.OpenSession{}, meeting.ShowDocument{Document: benchDoc, Page: 1}} {
			if err := do(chair, c); err != nil {
				return nil, err
			}
		}
		invite := func(p string) (string, error) {
			code, err := acc.Invite(ctx, id, p)
			if err != nil {
				return "", fmt.Errorf("inviting %s to %s: %w", p, id, err)
			}
			return code, nil
		}
		if s.Chair, err = invite("chair"); err != nil {
			return nil, err
		}
		if s.Secretary, err = invite("sec"); err != nil {
			return nil, err
		}
		for i := 1; i <= spec.Delegates; i++ {
			code, err := invite(delegateID(i))
			if err != nil {
				return nil, err
			}
			s.Delegates = append(s.Delegates, code)
		}
		out = append(out, s)
	}
	return out, nil
}

func delegateID(i int) string { return fmt.Sprintf("d%04d", i) }

// writeSeeded writes the invitation codes as JSON.
func writeSeeded(path string, s []Seeded) error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o600)
}
