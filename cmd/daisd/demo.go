package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"text/tabwriter"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/demo"
	"github.com/dais-meeting/dais/meeting/pdf"
)

// pageCounter adapts the PDF engine to what the demo needs.
type pageCounter struct{ *pdf.Engine }

func (p pageCounter) PageCount(ctx context.Context, r io.ReadSeeker) (int, error) {
	info, err := p.Validate(ctx, r)
	return info.Pages, err
}

// seedDemo creates the demo meeting unless the store already has a meeting,
// and prints the address and everyone's sign-in code. Codes are one-time: a
// store seeded earlier gets fresh codes for everyone.
func seedDemo(ctx context.Context, n *node, out io.Writer) error {
	ids, err := n.svc.Meetings(ctx)
	if err != nil {
		return err
	}
	var invs []demo.Invitation
	if len(ids) == 0 {
		if invs, err = demo.Seed(ctx, n.svc, n.store, pageCounter{n.pdfs}); err != nil {
			return err
		}
	} else {
		st, err := n.svc.State(ctx, demo.MeetingID)
		if err != nil {
			return err
		}
		if !st.Exists() {
			return errors.New("the store holds other meetings; use an empty -data folder for the demo")
		}
		for _, id := range st.Order {
			code, err := n.svc.Invite(ctx, demo.MeetingID, id)
			if err != nil {
				return err
			}
			invs = append(invs, demo.Invitation{Participant: *st.Participant(id), Code: code})
		}
	}
	printInvitations(out, n.Addr(), invs)
	return nil
}

var roleNames = map[meeting.Role]string{
	meeting.RoleChair: "Chủ tọa", meeting.RoleSecretary: "Thư ký", meeting.RoleDelegate: "Đại biểu", meeting.RoleObserver: "Quan sát viên",
}

func printInvitations(out io.Writer, addr string, invs []demo.Invitation) {
	host, port, _ := net.SplitHostPort(addr)
	if host == "" || host == "::" || host == "0.0.0.0" {
		host = "localhost"
	}
	url := "http://" + net.JoinHostPort(host, port)
	fmt.Fprintf(out, "\nDais đang chạy / Dais is running: %s\n", url)
	fmt.Fprintf(out, "Hội nghị / Meeting: %s\n\n", demo.MeetingID)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "Mã / Code\tVai trò / Role\tHọ tên / Name\tGhế / Seat\tĐăng nhập / Sign in")
	for _, inv := range invs {
		p := inv.Participant
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s/?code=%s\n", inv.Code, roleNames[p.Role], p.Name, p.Seat, url, inv.Code)
	}
	_ = tw.Flush()
	fmt.Fprintln(out, "\nMỗi mã dùng được một lần / each code works once. Ctrl-C để dừng / to stop.")
}
