package audit_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting/audit"
	"github.com/dais-meeting/dais/meeting/office"
	"github.com/dais-meeting/dais/storage/bolt"
)

// BenchmarkVerifyConsultation verifies a consultation of a 200-member
// committee with 10 questions, every member answering 5 times (1,000
// answers), closed: the chain, every answer checked and the summary
// counted again, from a bbolt file.
func BenchmarkVerifyConsultation(b *testing.B) {
	ctx := context.Background()
	st, err := bolt.Open(b.TempDir(), bolt.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	com := office.Committee{ID: "bch", Name: "Ban Chấp hành"}
	var ppl []office.Person
	for i := range 200 {
		id := fmt.Sprintf("m%03d", i)
		ppl = append(ppl, office.Person{ID: id, Name: "Ủy viên " + id})
		com.Members = append(com.Members, office.Member{Person: id, Chair: i == 0})
	}
	var qs []office.Question
	for i := range 10 {
		qs = append(qs, office.Question{ID: fmt.Sprintf("q%d", i+1), Text: "Đồng ý?"})
	}
	c := &office.Consultation{}
	var batch [][]byte
	do := func(a office.Actor, cmd office.Command, at time.Time) {
		evs, err := office.Decide(c, a, cmd, at)
		if err != nil {
			b.Fatal(err)
		}
		for _, e := range evs {
			if err := c.Apply(e); err != nil {
				b.Fatal(err)
			}
			d, _ := json.Marshal(e)
			batch = append(batch, d)
		}
	}
	do(secretary, office.Draft{ID: "lyk", Committee: com, People: ppl, Title: "Lấy ý kiến", Questions: qs, Deadline: ot0.Add(72 * time.Hour)}, ot0)
	do(office.Actor{Person: "m000"}, office.Approve{}, ot0)
	for round := range 5 {
		for i := range 200 {
			var as []office.Answer
			for _, q := range qs {
				as = append(as, office.Answer{Question: q.ID, Choice: office.DefaultChoices[(i+round)%2]})
			}
			do(office.Actor{Person: fmt.Sprintf("m%03d", i)}, office.Give{Answers: as}, ot0.Add(time.Duration(round+1)*time.Hour))
		}
	}
	do(office.Actor{Person: "m000"}, office.Close{}, ot0.Add(10*time.Hour))
	if _, err := st.AppendConsultation(ctx, "lyk", 0, batch); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		rep, err := audit.VerifyConsultation(ctx, st, "lyk")
		if err != nil || !rep.OK() || !rep.SummaryChecked || rep.Records != 1003 {
			b.Fatalf("%+v, %v", rep, err)
		}
	}
}
