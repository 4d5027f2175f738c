package meeting

import (
	"maps"
	"slices"
)

// checkTally compares the ballot box's tally with the ballots the state
// knows of; a mismatch is a storage fault, never the chair's.
func checkTally(p *Poll, t Tally) error {
	if t == nil {
		return Errorf(Internal, "Thiếu kết quả kiểm phiếu", "the poll was closed without a tally")
	}
	sum := 0
	for _, choice := range slices.Sorted(maps.Keys(t)) {
		n := t[choice]
		if p.Choice(choice) == nil || n < 0 {
			return Errorf(Internal, "Kết quả kiểm phiếu không khớp: phương án %q không có hoặc số phiếu âm", "the tally names an unknown choice %q or counts less than zero", choice)
		}
		sum += n
	}
	if sum != len(p.Voters) {
		return Errorf(Internal, "Kết quả kiểm phiếu không khớp: hòm phiếu đếm được %d phiếu, nhật ký ghi %d phiếu", "the tally counts %d ballots, the log %d", sum, len(p.Voters))
	}
	if !p.Secret {
		counted := map[string]int{}
		for _, choice := range p.Voters {
			counted[choice]++
		}
		for _, ch := range p.Choices {
			if counted[ch.ID] != t[ch.ID] {
				return Errorf(Internal, "Kết quả kiểm phiếu không khớp: phương án %q có %d phiếu, nhật ký ghi %d phiếu", "the tally of %q is %d, the log holds %d", ch.ID, t[ch.ID], counted[ch.ID])
			}
		}
	}
	return nil
}

// ResultOf computes a poll's result from its tally and the attendance at
// the close. F is the count of the first choice (for), A of the second
// (against); the base is set by the rule.
func ResultOf(p *Poll, t Tally, members, present int) Result {
	return ResultFor(p, t, Turnout{Members: members, Present: present})
}

// ResultFor is ResultOf with the attendance's absences and substitutes: a
// base counted against the members leaves off the members absent for the
// whole meeting with an approved reason when the rules say so
// (Turnout.ExcusedOff); a base counted against those present counts the
// substitutes who may vote for absent members. The quorum counts members
// present in person against every member.
func ResultFor(p *Poll, t Tally, tu Turnout) Result {
	members, present := tu.Members, tu.Present
	r := Result{Counts: map[string]int{}, Members: members, Present: present, Substitutes: tu.Substitutes}
	if tu.ExcusedOff {
		r.Excused = tu.Excused
	}
	for _, ch := range p.Choices {
		r.Counts[ch.ID] = t[ch.ID]
		r.Cast += t[ch.ID]
	}
	switch p.Rule.Base {
	case BasePresent:
		r.Base = present + tu.Substitutes
	case BaseMembers:
		r.Base = members - r.Excused
	default:
		r.Base = r.Cast
	}
	r.QuorumOK = p.Rule.QuorumPercent == 0 || present*100 >= p.Rule.QuorumPercent*members
	var f, a int
	if len(p.Choices) > 0 {
		f = r.Counts[p.Choices[0].ID]
	}
	if len(p.Choices) > 1 {
		a = r.Counts[p.Choices[1].ID]
	}
	var ok bool
	switch p.Rule.Threshold {
	case Absolute:
		ok = r.Base > 0 && 2*f > r.Base
	case TwoThirds:
		ok = r.Base > 0 && 3*f >= 2*r.Base
	default:
		ok = r.Base > 0 && f > a
	}
	r.Passed = r.QuorumOK && ok
	return r
}
