package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/access"
	"github.com/dais-meeting/dais/meeting/demo"
	"github.com/dais-meeting/dais/meeting/pdf"
	"github.com/dais-meeting/dais/meeting/service"
)

// pageCounter adapts the PDF engine to what the demo needs.
type pageCounter struct{ *pdf.Engine }

func (p pageCounter) PageCount(ctx context.Context, r io.ReadSeeker) (int, error) {
	info, err := p.Validate(ctx, r)
	return info.Pages, err
}

// seeder is what the demo seeds through: commands run by the command
// service, invitations made by access.
type seeder struct {
	*service.Service
	acc *access.Service
}

func (s seeder) Invite(ctx context.Context, meetingID, participant string) (string, error) {
	return s.acc.Invite(ctx, meetingID, participant)
}

// seedDemo creates the demo meeting unless the store already has a meeting,
// and prints the address and everyone's sign-in code. Codes are one-time: a
// store seeded earlier gets fresh codes for everyone.
func seedDemo(ctx context.Context, n *node, out io.Writer) error {
	if err := seedMeeting(ctx, n, out, demo.Seed, demo.MeetingID); err != nil {
		return err
	}
	// A draft for comment with two members' comments and a version 2
	// (issue 13, part 5), once: not when the meeting has a draft.
	st, err := n.svc.State(ctx, demo.MeetingID)
	if err != nil {
		return err
	}
	draft, err := demo.SeedDraft(ctx, seeder{n.svc, n.acc}, n.store, pageCounter{n.pdfs}, st, time.Now())
	if err != nil {
		return fmt.Errorf("seeding the draft for comment: %w", err)
	}
	if draft != "" {
		fmt.Fprintf(out, "Dự thảo lấy góp ý / draft for comment: %s\n", demo.DraftTitle)
	}
	// Between meetings: the committee of the meeting's members and an open
	// written consultation of it (issue 13), once (a centre only).
	if n.registry == nil || n.consults == nil {
		return nil
	}
	if st, err = n.svc.State(ctx, demo.MeetingID); err != nil {
		return err
	}
	id, err := demo.SeedOffice(ctx, n.registry, n.consults, st, time.Now())
	if err != nil {
		return fmt.Errorf("seeding the committee and the consultation: %w", err)
	}
	if id != "" {
		fmt.Fprintf(out, "Ban / Committee: %s; lấy ý kiến / consultation: %s\n", demo.CommitteeID, id)
		// A published conclusion with two tasks, one late (issue 13, part 4).
		if n.concls != nil {
			c, err := demo.SeedConclusion(ctx, n.concls, st, time.Now())
			if err != nil {
				return fmt.Errorf("seeding the conclusion: %w", err)
			}
			if c != nil {
				fmt.Fprintf(out, "Kết luận / conclusion: %s\n", c.ID)
			}
		}
	}
	return nil
}

// seedFile is seedDemo for a meeting file in the demo's YAML format (daisd
// -seed FILE). The meeting id is the file's meeting.id, else the file's
// name without its extension.
func seedFile(ctx context.Context, n *node, out io.Writer, file string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	id, err := demo.YAMLMeetingID(data)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	if id == "" {
		id = strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	}
	seed := func(ctx context.Context, svc demo.Commands, blobs demo.Blobs, pdfs demo.PDFs) ([]demo.Invitation, error) {
		return demo.SeedFrom(ctx, svc, blobs, pdfs, data, id)
	}
	if err := seedMeeting(ctx, n, out, seed, id); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	return nil
}

type seedFunc func(ctx context.Context, svc demo.Commands, blobs demo.Blobs, pdfs demo.PDFs) ([]demo.Invitation, error)

// seedMeeting runs seed when the store has no meeting, else invites
// everyone of meetingID again; then prints the codes.
func seedMeeting(ctx context.Context, n *node, out io.Writer, seed seedFunc, meetingID string) error {
	ids, err := n.svc.Meetings(ctx)
	if err != nil {
		return err
	}
	var invs []demo.Invitation
	if len(ids) == 0 {
		if invs, err = seed(ctx, seeder{n.svc, n.acc}, n.store, pageCounter{n.pdfs}); err != nil {
			return err
		}
	} else {
		st, err := n.svc.State(ctx, meetingID)
		if err != nil {
			return err
		}
		if !st.Exists() {
			return fmt.Errorf("the store holds other meetings than %q; use an empty -data folder", meetingID)
		}
		for _, id := range st.Order {
			code, err := n.acc.Invite(ctx, meetingID, id)
			if err != nil {
				return err
			}
			invs = append(invs, demo.Invitation{Participant: *st.Participant(id), Code: code})
		}
	}
	printInvitations(out, n.Addr(), meetingID, invs)
	return nil
}

var roleNames = map[meeting.Role]string{
	meeting.RoleChair: "Chủ tọa", meeting.RoleSecretary: "Thư ký", meeting.RoleDelegate: "Đại biểu", meeting.RoleObserver: "Quan sát viên",
	meeting.RoleDisplay: "Màn hình",
}

func printInvitations(out io.Writer, addr, meetingID string, invs []demo.Invitation) {
	host, port, _ := net.SplitHostPort(addr)
	if host == "" || host == "::" || host == "0.0.0.0" {
		host = "localhost"
	}
	url := "http://" + net.JoinHostPort(host, port)
	fmt.Fprintf(out, "\nDais đang chạy / Dais is running: %s\n", url)
	fmt.Fprintf(out, "Hội nghị / Meeting: %s\n\n", meetingID)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "Mã / Code\tVai trò / Role\tHọ tên / Name\tGhế / Seat\tĐăng nhập / Sign in")
	for _, inv := range invs {
		p := inv.Participant
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s/?code=%s\n", inv.Code, roleNames[p.Role], p.Name, p.Seat, url, inv.Code)
	}
	_ = tw.Flush()
	fmt.Fprintln(out, "\nMỗi mã dùng được một lần / each code works once. Ctrl-C để dừng / to stop.")
}
