// Package demo seeds the Vietnamese demo meeting that `make run` serves: a
// plenum of a provincial party committee with a main hall and two district
// bridge points, fourteen voting members, two secretaries, an observer, six
// agenda items, two generated PDF documents (one confidential), two proposals
// and their polls, three registered contributions (tham luận). The data is
// demo-meeting.yaml, embedded.
//
// Seeding goes through the same commands a secretary would send, so the demo
// is a real meeting in the log, not fixtures. NewPlanFrom and SeedFrom do
// the same for any meeting written in the same YAML format (daisd -seed).
// The package holds no mutable state; its functions are safe to call
// concurrently when the services passed to them are.
package demo

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"io"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/storage"
)

//go:embed demo-meeting.yaml
var demoYAML []byte

// MeetingID is the id of the demo meeting.
const MeetingID = "hn-btv-tinh-12"

// Commands is what seeding needs from the meeting service.
type Commands interface {
	Execute(ctx context.Context, meetingID string, a meeting.Actor, cmd meeting.Command) ([]meeting.Event, error)
	Invite(ctx context.Context, meetingID, participant string) (string, error)
}

// Blobs stores document files.
type Blobs interface {
	PutBlob(ctx context.Context, r io.Reader) (storage.BlobInfo, error)
}

// PDFs makes the demo's documents and counts their pages.
type PDFs interface {
	Generate(ctx context.Context, dst io.Writer, title string, pages int, body []string) error
	PageCount(ctx context.Context, r io.ReadSeeker) (int, error)
}

// Invitation is one participant's sign-in code.
type Invitation struct {
	Participant meeting.Participant
	Code        string
}

type sample struct {
	Meeting struct {
		ID     string `yaml:"id"`
		Title  string `yaml:"title"`
		Place  string `yaml:"place"`
		Starts string `yaml:"starts"`
		Rooms  []struct {
			ID   string `yaml:"id"`
			Name string `yaml:"name"`
		} `yaml:"rooms"`
	} `yaml:"meeting"`
	Participants []struct {
		Name  string `yaml:"name"`
		Role  string `yaml:"role"`
		Room  string `yaml:"room"`
		Seat  string `yaml:"seat"`
		Title string `yaml:"title"`
	} `yaml:"participants"`
	Agenda []struct {
		Title        string   `yaml:"title"`
		Presenter    string   `yaml:"presenter"`
		Documents    []string `yaml:"documents"`
		Confidential bool     `yaml:"confidential"`
		SubItems     []string `yaml:"sub_items"`
		// Contributions are the registered contributions (tham luận) to
		// this item, in the order they are to be heard.
		Contributions []struct {
			Speaker string `yaml:"speaker"`
			Topic   string `yaml:"topic"`
		} `yaml:"contributions"`
		Proposal *struct {
			Title string `yaml:"title"`
			// Text is the proposal's full text, as delegates read it before they vote.
			Text string `yaml:"text"`
			Poll struct {
				Kind string `yaml:"kind"`
				Rule string `yaml:"rule"`
			} `yaml:"poll"`
		} `yaml:"proposal"`
	} `yaml:"agenda"`
}

// Plan is the demo meeting as the list of commands that builds it, with the
// documents to generate. Participant ids are p01, p02, … in the sample's
// order; the first secretary creates the meeting.
type Plan struct {
	MeetingID string
	Secretary string
	Commands  []meeting.Command
	Documents []PlannedDocument
	People    []meeting.Participant
}

// PlannedDocument is a document the plan needs before AddDocument.
type PlannedDocument struct {
	ID, Title    string
	Pages        int
	Confidential bool
	Item         string
}

// NewPlan reads the embedded sample into a Plan for MeetingID.
func NewPlan() (*Plan, error) { return NewPlanFrom(demoYAML, MeetingID) }

// YAMLMeetingID returns the meeting.id field of a meeting file in the
// sample's format, or "" when it has none.
func YAMLMeetingID(data []byte) (string, error) {
	var s sample
	if err := yaml.Unmarshal(data, &s); err != nil {
		return "", fmt.Errorf("demo: reading the meeting file: %w", err)
	}
	return s.Meeting.ID, nil
}

// NewPlanFrom reads a meeting file in the sample's format (see
// demo-meeting.yaml) into a Plan that creates the meeting meetingID. A
// meeting.id field in the file is ignored: meetingID wins.
func NewPlanFrom(data []byte, meetingID string) (*Plan, error) {
	if meetingID == "" {
		return nil, fmt.Errorf("demo: no meeting id")
	}
	var s sample
	if err := yaml.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("demo: reading the meeting file: %w", err)
	}
	starts, err := time.Parse(time.RFC3339, s.Meeting.Starts)
	if err != nil {
		return nil, fmt.Errorf("demo: start time: %w", err)
	}
	if len(s.Meeting.Rooms) == 0 {
		return nil, fmt.Errorf("demo: the meeting file has no rooms")
	}
	p := &Plan{MeetingID: meetingID}
	byName := map[string]string{}
	var rooms []meeting.Room
	for i, r := range s.Meeting.Rooms {
		rooms = append(rooms, meeting.Room{ID: r.ID, Name: r.Name, Main: i == 0})
	}
	for i, sp := range s.Participants {
		pt := meeting.Participant{ID: fmt.Sprintf("p%02d", i+1), Name: sp.Name, Title: sp.Title, Role: meeting.Role(sp.Role), Room: sp.Room, Seat: sp.Seat}
		byName[sp.Name] = pt.ID
		p.People = append(p.People, pt)
	}
	var first meeting.Participant
	for _, pt := range p.People {
		if pt.Role == meeting.RoleSecretary {
			first = pt
			break
		}
	}
	if first.ID == "" {
		return nil, fmt.Errorf("demo: the meeting file has no secretary")
	}
	p.Secretary = first.ID
	p.Commands = append(p.Commands, meeting.CreateMeeting{ID: meetingID, Title: s.Meeting.Title, StartsAt: starts, Place: s.Meeting.Place, Rooms: rooms, Secretary: first})
	for _, pt := range p.People {
		if pt.ID != first.ID {
			p.Commands = append(p.Commands, meeting.AddParticipant{Participant: pt})
		}
	}
	docN, propN, ctN := 0, 0, 0
	var contributions []meeting.Command
	for i, it := range s.Agenda {
		item := meeting.Item{ID: fmt.Sprintf("i%d", i+1), Title: it.Title, Presenter: byName[it.Presenter]}
		p.Commands = append(p.Commands, meeting.AddAgendaItem{Item: item})
		for j, sub := range it.SubItems {
			p.Commands = append(p.Commands, meeting.AddAgendaItem{Item: meeting.Item{ID: fmt.Sprintf("i%d.%d", i+1, j+1), Parent: item.ID, Title: sub}})
		}
		for _, d := range it.Documents {
			docN++
			p.Documents = append(p.Documents, PlannedDocument{
				ID: fmt.Sprintf("d%d", docN), Title: strings.TrimSuffix(d, ".pdf"),
				Pages: 12 + 8*docN, Confidential: it.Confidential, Item: item.ID,
			})
		}
		for _, c := range it.Contributions {
			who := byName[c.Speaker]
			if who == "" {
				return nil, fmt.Errorf("demo: contribution %q: no participant named %q", c.Topic, c.Speaker)
			}
			ctN++
			contributions = append(contributions, meeting.AddContribution{Contribution: meeting.Contribution{
				ID: fmt.Sprintf("c%d", ctN), Participant: who, Topic: c.Topic, Item: item.ID}})
		}
		if it.Proposal != nil {
			propN++
			pr := meeting.Proposal{ID: fmt.Sprintf("pr%d", propN), Title: it.Proposal.Title, Text: strings.TrimSpace(it.Proposal.Text)}
			p.Commands = append(p.Commands, meeting.AddProposal{Proposal: pr, Item: item.ID})
			rule := meeting.Rule{Base: meeting.BaseMembers, Threshold: meeting.Absolute}
			if strings.Contains(it.Proposal.Poll.Rule, "hai phần ba") {
				rule.Threshold = meeting.TwoThirds
			}
			p.Commands = append(p.Commands, meeting.CreatePoll{Poll: meeting.Poll{
				ID: fmt.Sprintf("v%d", propN), Question: pr.Title, Proposal: pr.ID,
				Secret: it.Proposal.Poll.Kind == "secret", Rule: rule,
			}})
		}
	}
	// After the agenda, whose items the contributions name.
	p.Commands = append(p.Commands, contributions...)
	return p, nil
}

// Seed creates the demo meeting through svc, generating and storing its
// documents, publishes it, and returns a sign-in code for every participant.
func Seed(ctx context.Context, svc Commands, blobs Blobs, pdfs PDFs) ([]Invitation, error) {
	return SeedFrom(ctx, svc, blobs, pdfs, demoYAML, MeetingID)
}

// SeedFrom is Seed for a meeting file in the sample's format, creating the
// meeting meetingID.
func SeedFrom(ctx context.Context, svc Commands, blobs Blobs, pdfs PDFs, data []byte, meetingID string) ([]Invitation, error) {
	plan, err := NewPlanFrom(data, meetingID)
	if err != nil {
		return nil, err
	}
	actor := meeting.Actor{Participant: plan.Secretary}
	run := func(cmd meeting.Command) error {
		if _, err := svc.Execute(ctx, plan.MeetingID, actor, cmd); err != nil {
			return fmt.Errorf("demo: %s: %w", cmd.CommandName(), err)
		}
		return nil
	}
	// The meeting and its people first, documents next (items refer to
	// them), then the rest in the plan's order.
	cmds := plan.Commands
	for len(cmds) > 0 {
		if _, ok := cmds[0].(meeting.AddAgendaItem); ok {
			break
		}
		if err := run(cmds[0]); err != nil {
			return nil, err
		}
		cmds = cmds[1:]
	}
	for _, d := range plan.Documents {
		doc, err := makeDocument(ctx, blobs, pdfs, d, nil)
		if err != nil {
			return nil, err
		}
		if doc.Confidential {
			// Every member of the committee may read it, each copy stamped
			// with their name; the observer (the press) may not.
			for _, pt := range plan.People {
				if pt.Voter() {
					doc.Readers = append(doc.Readers, pt.ID)
				}
			}
		}
		if err := run(meeting.AddDocument{Document: doc}); err != nil {
			return nil, err
		}
	}
	for _, cmd := range cmds {
		if err := run(cmd); err != nil {
			return nil, err
		}
	}
	for _, d := range plan.Documents {
		if err := run(meeting.AttachDocument{Item: d.Item, Document: d.ID}); err != nil {
			return nil, err
		}
	}
	if err := run(meeting.Publish{}); err != nil {
		return nil, err
	}
	var invs []Invitation
	for _, pt := range plan.People {
		code, err := svc.Invite(ctx, plan.MeetingID, pt.ID)
		if err != nil {
			return nil, err
		}
		invs = append(invs, Invitation{Participant: pt, Code: code})
	}
	return invs, nil
}

// makeDocument generates a document with the text body (nil: the demo's
// words for a meeting's documents), stores it and returns its metadata.
func makeDocument(ctx context.Context, blobs Blobs, pdfs PDFs, d PlannedDocument, body []string) (meeting.Document, error) {
	var buf bytes.Buffer
	if body == nil {
		body = []string{
			"Căn cứ Điều lệ Đảng và Quy chế làm việc của Ban Chấp hành Đảng bộ tỉnh khóa XVII;",
			"Tài liệu phục vụ Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ 12 (mở rộng).",
			"Đề nghị các đồng chí nghiên cứu kỹ, chuẩn bị ý kiến thảo luận tại hội nghị.",
		}
	}
	if err := pdfs.Generate(ctx, &buf, d.Title, d.Pages, body); err != nil {
		return meeting.Document{}, fmt.Errorf("demo: generating %q: %w", d.Title, err)
	}
	pages, err := pdfs.PageCount(ctx, bytes.NewReader(buf.Bytes()))
	if err != nil {
		return meeting.Document{}, fmt.Errorf("demo: counting the pages of %q: %w", d.Title, err)
	}
	info, err := blobs.PutBlob(ctx, bytes.NewReader(buf.Bytes()))
	if err != nil {
		return meeting.Document{}, fmt.Errorf("demo: storing %q: %w", d.Title, err)
	}
	return meeting.Document{ID: d.ID, Title: d.Title, Pages: pages, SHA256: info.SHA256, Size: info.Size, Confidential: d.Confidential}, nil
}
