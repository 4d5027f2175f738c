package conclusions_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting/conclusions"
	"github.com/dais-meeting/dais/meeting/office"
)

// TestDashboardImported: the tasks of a conclusion imported from an
// archive (its log ends with ConclusionArchived, as dais archive import
// leaves it) are listed apart on the dashboard and counted in none of
// open, late and done: they are read only here, so no report could ever
// take them off. The office's own conclusions are counted as before.
func TestDashboardImported(t *testing.T) {
	type counts struct{ open, late, done int }
	for _, tc := range []struct {
		name string
		// at is the dashboard's time; done reports t1 done first; imported
		// marks the conclusion imported; own adds a second conclusion of
		// the office, not imported.
		at                  time.Time
		done, imported, own bool
		want                counts
		wantTasks           []string // conclusion/task: state
		wantImported        []string
	}{
		{name: "the office's own: one open, one late", at: t0.Add(50 * time.Hour),
			want: counts{open: 1, late: 1}, wantTasks: []string{"A/t1: late", "A/t2: open"}, wantImported: []string{}},
		{name: "imported before its deadlines", at: t0, imported: true,
			wantTasks: []string{}, wantImported: []string{"A/t1: imported", "A/t2: imported"}},
		{name: "imported past its deadlines: not late here", at: t0.Add(100 * time.Hour), imported: true,
			wantTasks: []string{}, wantImported: []string{"A/t1: imported", "A/t2: imported"}},
		{name: "imported with a task done in the archive: not counted done", at: t0.Add(100 * time.Hour), done: true, imported: true,
			wantTasks: []string{}, wantImported: []string{"A/t1: done", "A/t2: imported"}},
		{name: "imported next to the office's own", at: t0.Add(50 * time.Hour), imported: true, own: true,
			want: counts{open: 1, late: 1}, wantTasks: []string{"B/t1: late", "B/t2: open"}, wantImported: []string{"A/t1: imported", "A/t2: imported"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := t.Context()
			st := openBolt(t)
			clk := &clock{t: t0}
			svc := conclusions.New(st, registry(t, st), agenda, nil, pdfs{}, conclusions.Options{Now: clk.Now})
			defer svc.Close()
			names := map[string]string{}
			publish := func(name string) *office.Conclusion {
				c := draft(t, svc, office.KindConclusion)
				if _, err := svc.Approve(ctx, c.ID, chair); err != nil {
					t.Fatal(err)
				}
				if _, err := svc.Execute(ctx, c.ID, secretary, office.PublishConclusion{}); err != nil {
					t.Fatal(err)
				}
				names[c.ID] = name
				return c
			}
			a := publish("A")
			if tc.done {
				if _, err := svc.Report(ctx, a.ID, office.Actor{Person: "m3"}, office.ReportTask{Task: "t1", Done: true, Note: "Đã trình HĐND"}, "", nil); err != nil {
					t.Fatal(err)
				}
			}
			if tc.imported {
				markImported(t, st, svc, a.ID)
			}
			if tc.own {
				publish("B")
			}
			clk.Set(tc.at)
			dash, _, err := svc.Dashboard(ctx)
			if err != nil || len(dash) != 1 {
				t.Fatalf("dashboard %+v, %v", dash, err)
			}
			d := dash[0]
			rows := func(rs []office.TaskRow) []string {
				out := []string{}
				for _, r := range rs {
					out = append(out, fmt.Sprintf("%s/%s: %s", names[r.Conclusion], r.ID, r.State))
				}
				return out
			}
			if got := (counts{d.Open, d.Late, d.Done}); got != tc.want {
				t.Errorf("counted %+v, want %+v", got, tc.want)
			}
			if got := rows(d.Tasks); strings.Join(got, ", ") != strings.Join(tc.wantTasks, ", ") {
				t.Errorf("tasks %q, want %q", got, tc.wantTasks)
			}
			if got := rows(d.Imported); strings.Join(got, ", ") != strings.Join(tc.wantImported, ", ") {
				t.Errorf("imported %q, want %q", got, tc.wantImported)
			}
			// As JSON both lists are there, empty or not.
			b, _ := json.Marshal(d)
			if !strings.Contains(string(b), `"tasks":[`) || !strings.Contains(string(b), `"imported":[`) {
				t.Errorf("JSON %s", b)
			}
		})
	}
}

// markImported ends conclusion id's log with the mark dais archive import
// appends after the archived events (the import itself is tested in
// meeting/archive).
func markImported(t *testing.T, st store, svc *conclusions.Service, id string) {
	t.Helper()
	ctx := t.Context()
	c, err := svc.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	last, err := st.ReadConclusion(ctx, id, c.Version, 1)
	if err != nil || len(last) != 1 {
		t.Fatalf("the last event: %v", err)
	}
	mark, err := office.ArchivedMark("conclusion", strings.Repeat("ab", 32), c.Version, fmt.Sprintf("%x", last[0].Hash), t0)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(mark)
	if _, err := st.AppendConclusion(ctx, id, c.Version, [][]byte{data}); err != nil {
		t.Fatal(err)
	}
	if c, err := svc.Get(ctx, id); err != nil || c.Archived == nil {
		t.Fatalf("marked: %+v, %v", c, err)
	}
}
