package meetingtest

import (
	"context"
	"testing"

	"github.com/dais-meeting/dais/meeting/committees"
	"github.com/dais-meeting/dais/meeting/office"
)

// Committee registers with reg the office's committee "btv" (Ban Thường
// vụ Tỉnh ủy) of people, the first its chair, and returns it.
func Committee(tb testing.TB, reg *committees.Service, people ...office.Person) office.Committee {
	tb.Helper()
	ctx := context.Background()
	com := office.Committee{ID: "btv", Name: "Ban Thường vụ Tỉnh ủy"}
	for i, p := range people {
		if _, err := reg.PutPerson(ctx, p); err != nil {
			tb.Fatal(err)
		}
		com.Members = append(com.Members, office.Member{Person: p.ID, Chair: i == 0})
	}
	if _, err := reg.PutCommittee(ctx, com); err != nil {
		tb.Fatal(err)
	}
	return com
}
