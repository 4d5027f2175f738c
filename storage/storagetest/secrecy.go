package storagetest

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"maps"
	"math"
	mrand "math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/dais-meeting/dais/storage"
	"github.com/dais-meeting/dais/storage/seal"
)

// Exposure is what someone who copies a backend's storage at one moment
// holds: its files as they are on disk and the stored data as a list.
type Exposure struct {
	// Files are the backend's files as copied, by name: bbolt's data file
	// (free pages and all), Redis's append-only files.
	Files map[string][]byte
	// Items are the stored data as (path, value) pairs, in the order the
	// backend lists them (a bucket walk; Redis's own order of a hash, a
	// set or a list, keys sorted).
	Items []Item
}

// Item is one stored value: its path (buckets and key; Redis key and field)
// and its bytes.
type Item struct {
	Path  []string
	Value []byte
}

// Exposed is a store under attack: the store, a way to copy everything it
// stored, and its ballot key (which the attacker is given after the close).
type Exposed struct {
	Store   storage.Store
	Capture func(tb testing.TB) Exposure
	Key     seal.Key
	// ForwardSecret says the store seals each poll's key under a secret
	// kept outside it and destroyed at the close (seal.PollSecrets): then
	// even the copies taken during the poll must not open with Key alone.
	ForwardSecret bool
}

// Secrecy parameters: voters cast one at a time; the first of every four is
// a colluder whose choice the attacker knows (and picks: they vote in turn
// for each choice), the others choose at random.
const (
	secrecyVoters = 60
	colludeEvery  = 4
	// falseAlarm bounds the probability that the test fails on a store that
	// leaks nothing (see secrecyThreshold).
	falseAlarm = 1e-6
)

var secrecyChoices = []string{"for", "against", "abstain"}

// RunSecrecy casts secret ballots one at a time into a fresh store from
// open, copies everything the store wrote after every ballot (and after the
// close), and runs an attacker on the copies that tries every way it can to
// link each voter to a choice. The attacker must do no better than chance,
// and the store after the close must hold nothing that opens with the
// ballot key.
func RunSecrecy(t *testing.T, open func(t *testing.T) Exposed) {
	runSecrecy(t, open, false)
}

// RunElectionSecrecy is RunSecrecy for an election round (issue 10): 70
// names for 55 seats, each ballot a box's one choice with its marks as
// sealed content (storage.Ballot.Content, one byte per name, as the
// meeting service casts them). What is secret is the whole ballot: each
// voter casts one of three ballots (the colluders' known), and the attack
// tries to link voters to ballots from every copy, as it does to choices.
// The box must also give back every ballot once, the marks intact.
func RunElectionSecrecy(t *testing.T, open func(t *testing.T) Exposed) {
	runSecrecy(t, open, true)
}

// electionBallots returns three different ballots of 70 names keeping 55.
func electionBallots(rng *mrand.Rand) []string {
	var out []string
	for len(out) < 3 {
		m := []byte(strings.Repeat("1", 55) + strings.Repeat("0", 15))
		rng.Shuffle(len(m), func(i, j int) { m[i], m[j] = m[j], m[i] })
		if !slices.Contains(out, string(m)) {
			out = append(out, string(m))
		}
	}
	return out
}

func runSecrecy(t *testing.T, open func(t *testing.T) Exposed, election bool) {
	e := open(t)
	s, ctx := e.Store, t.Context()
	const meeting, poll = "m", "p"
	var seed [32]byte
	rand.Read(seed[:])
	rng := mrand.New(mrand.NewChaCha8(seed))
	choices := secrecyChoices
	spec := storage.BoxSpec{Poll: poll, Secret: true, Choices: secrecyChoices}
	if election {
		choices = electionBallots(rng)
		spec = storage.BoxSpec{Poll: poll, Secret: true, Choices: []string{"ballot"}, MaxContent: 70}
	}
	mustAppend(t, s, meeting, 0, `{"type":"PollOpened","poll":"p"}`)
	mustOpenBox(t, s, meeting, spec)

	voters := make([]string, secrecyVoters)
	truth := make([]string, secrecyVoters)
	colluder := make([]bool, secrecyVoters)
	exposures := []Exposure{e.Capture(t)}
	for i := range secrecyVoters {
		voters[i] = fmt.Sprintf("delegate-%02d", i)
		colluder[i] = i%colludeEvery == 0
		if colluder[i] {
			truth[i] = choices[(i/colludeEvery)%len(choices)]
		} else {
			truth[i] = choices[rng.IntN(len(choices))]
		}
		b := storage.Ballot{Poll: poll, Voter: voters[i], BallotID: "ballot-" + voters[i], Choice: truth[i]}
		if election {
			b.Choice, b.Content = "ballot", []byte(truth[i])
		}
		// The event a secret poll's ballot appends: the voter, no choice.
		ev := []byte(fmt.Sprintf(`{"type":"BallotCast","poll":"p","voter":%q}`, voters[i]))
		if r, err := s.Cast(ctx, meeting, b, ev); err != nil || r.Outcome != storage.Accepted {
			t.Fatalf("Cast %s = %+v, %v", voters[i], r, err)
		}
		exposures = append(exposures, e.Capture(t))
	}
	want := map[string]int{}
	for _, c := range truth {
		want[c]++
	}
	final, err := s.CloseBox(ctx, meeting, poll)
	if err != nil {
		t.Fatalf("CloseBox: %v", err)
	}
	if election {
		// One choice counted for every voter, and every ballot given back
		// once with its marks intact (what the count reads).
		wantBoxTally(t, true, final, map[string]int{"ballot": secrecyVoters}, secrecyVoters, true)
		got := map[string]int{}
		for _, b := range final.Ballots {
			got[string(b.Content)]++
		}
		if !maps.Equal(got, want) {
			t.Fatalf("the box gave back ballots %v, want %v", got, want)
		}
	} else {
		wantBoxTally(t, true, final, want, secrecyVoters, true)
	}
	after := e.Capture(t)

	a := attack{voters: voters, colluder: colluder, truth: truth, exposures: exposures, after: after, choices: choices}
	n := 0
	for i := range voters {
		if !colluder[i] {
			n++
		}
	}
	strategies := a.strategies()
	limit := secrecyThreshold(n, 1/float64(len(choices)), len(strategies))
	for _, st := range strategies {
		guesses := st.guess(&a)
		right := 0
		for i := range voters {
			if !colluder[i] && guesses[i] == truth[i] {
				right++
			}
		}
		t.Logf("attack %-22s guessed %2d of %d secret ballots (chance: %.0f; failing at %d)", st.name, right, n, float64(n)/float64(len(choices)), limit)
		if right >= limit {
			t.Errorf("attack %s linked %d of %d voters to their choice: better than chance (the bound is %d)", st.name, right, n, limit)
		}
	}

	// With a per-poll secret destroyed at the close, the ballot key alone
	// (all a thief has after the close) opens no copy taken during the poll.
	if e.ForwardSecret {
		for i, x := range exposures {
			for _, it := range x.Items {
				if _, err := seal.OpenPollKey(e.Key, meeting, poll, it.Value); err == nil {
					t.Errorf("the copy taken after %d ballots opens with the ballot key alone: %s", i, strings.Join(it.Path, "/"))
				}
			}
		}
	}

	// After the close, even with the ballot key, the store holds nothing
	// sealed: no poll key opens, and no stored value names a voter next to
	// a choice.
	for _, it := range after.Items {
		if _, err := seal.OpenPollKey(e.Key, meeting, poll, it.Value); err == nil {
			t.Errorf("after the close, %s still holds the poll's private key", strings.Join(it.Path, "/"))
		}
		for i, v := range voters {
			if bytes.Contains(it.Value, []byte(v)) && bytes.Contains(it.Value, []byte(truth[i])) &&
				!bytes.Contains(it.Value, []byte("BallotCast")) {
				t.Errorf("after the close, %s holds voter %s next to %q", strings.Join(it.Path, "/"), v, truth[i])
			}
		}
	}
}

// secrecyThreshold returns the smallest k such that, when each of n
// guesses is right with probability p independently, strategies attacks
// together reach k right guesses with probability at most falseAlarm.
//
// Why this is the bound: the secret voters choose uniformly at random,
// independently of each other and of everything the attacker sees if the
// store leaks nothing (the colluders' choices are the attacker's own, and
// are not scored). Whatever a strategy computes from the copies, its guess
// for a secret voter is then right with probability exactly p = 1/3,
// independently across voters: its number of right guesses is
// Binomial(n, p). P(X >= k) is summed exactly, and a union bound over the
// strategies keeps the chance that any of them crosses k by luck below
// falseAlarm. A store that links voters to choices lets a strategy guess
// (nearly) every voter: n right guesses, far above k (with n = 45, k is
// about 32).
func secrecyThreshold(n int, p float64, strategies int) int {
	for k := 0; k <= n; k++ {
		if float64(strategies)*binomialTail(n, k, p) <= falseAlarm {
			return k
		}
	}
	return n + 1
}

// binomialTail returns P(X >= k) for X ~ Binomial(n, p).
func binomialTail(n, k int, p float64) float64 {
	sum := 0.0
	for j := k; j <= n; j++ {
		lg := lgamma(n+1) - lgamma(j+1) - lgamma(n-j+1)
		sum += math.Exp(lg + float64(j)*math.Log(p) + float64(n-j)*math.Log(1-p))
	}
	return sum
}

func lgamma(x int) float64 {
	v, _ := math.Lgamma(float64(x))
	return v
}

// attack holds what the attacker knows: every copy (exposures[0] before the
// first ballot, exposures[i] after voter i-1's), the copy after the close,
// who voted in which order (the log says so), and the colluders' choices.
// truth is used only by the colluders' entries and the scoring.
type attack struct {
	voters    []string
	colluder  []bool
	truth     []string
	exposures []Exposure
	after     Exposure
	// choices are what each voter may have cast: a poll's choices, or an
	// election's whole ballots (their marks).
	choices []string
}

// strategy guesses a choice for every voter ("" = no idea).
type strategy struct {
	name  string
	guess func(a *attack) []string
}

func (a *attack) strategies() []strategy {
	return []strategy{
		{"learn-from-colluders", (*attack).learn},
		{"changed-near-choice", (*attack).nearChoice},
		{"close-order", func(a *attack) []string { return a.closeOrder(false) }},
		{"close-order-reversed", func(a *attack) []string { return a.closeOrder(true) }},
	}
}

// features lists what changed in the copies with ballot i: the items added,
// changed and removed (by path, by generalised path, with their values,
// lengths, first bytes, key prefixes and positions among their siblings),
// and, in the raw files, the choices whose occurrences grew or whose
// following bytes changed.
func (a *attack) features(i int) map[string]bool {
	before, now := a.exposures[i], a.exposures[i+1]
	f := map[string]bool{}
	old := map[string][]byte{}
	for _, it := range before.Items {
		old[strings.Join(it.Path, "/")] = it.Value
	}
	seen := map[string]bool{}
	siblings := map[string]int{}
	for _, it := range now.Items {
		siblings[parent(it.Path)]++
	}
	rank := map[string]int{}
	for _, it := range now.Items {
		p, par := strings.Join(it.Path, "/"), parent(it.Path)
		seen[p] = true
		r := rank[par]
		rank[par]++
		v, was := old[p]
		switch {
		case !was:
			f["add:"+par] = true
			f["addval:"+hex.EncodeToString(it.Value)] = true
			f[fmt.Sprintf("addlen:%s:%d", par, len(it.Value))] = true
			if len(it.Value) > 0 {
				f[fmt.Sprintf("addb0:%s:%d", par, it.Value[0])] = true
			}
			if last := it.Path[len(it.Path)-1]; last != "" {
				f[fmt.Sprintf("addk0:%s:%d", par, last[0])] = true
			}
			f[fmt.Sprintf("addpos:%s:%d", par, 4*r/max(1, siblings[par]))] = true
		case !bytes.Equal(v, it.Value):
			f["chg:"+p] = true
			f[fmt.Sprintf("chglen:%s:%d", p, len(it.Value)-len(v))] = true
		}
	}
	for p := range old {
		if !seen[p] {
			f["rm:"+p] = true
		}
	}
	for name, data := range now.Files {
		prev := before.Files[name]
		for _, c := range a.choices {
			if bytes.Count(data, []byte(c)) > bytes.Count(prev, []byte(c)) {
				f["occ:"+name+":"+c] = true
			}
			if newWindow(prev, data, c) {
				f["win:"+name+":"+c] = true
			}
		}
	}
	return f
}

// parent is an item's path with its last element generalised.
func parent(path []string) string {
	return strings.Join(path[:len(path)-1], "/") + "/*"
}

// newWindow reports whether data holds, after an occurrence of c, 8 bytes
// that follow no occurrence of c in prev: what a count next to its choice
// looks like when it moves.
func newWindow(prev, data []byte, c string) bool {
	windows := func(b []byte) map[string]bool {
		w := map[string]bool{}
		for off := 0; ; {
			j := bytes.Index(b[off:], []byte(c))
			if j < 0 {
				return w
			}
			start := off + j + len(c)
			w[string(b[start:min(len(b), start+8)])] = true
			off = start
		}
	}
	before := windows(prev)
	for w := range windows(data) {
		if !before[w] {
			return true
		}
	}
	return false
}

// learn trains a Bernoulli naive Bayes classifier on the colluders'
// ballots (their features and known choices) and applies it to the others.
func (a *attack) learn() []string {
	feats := make([]map[string]bool, len(a.voters))
	vocab := map[string]bool{}
	nc := map[string]int{}
	nfc := map[string]map[string]int{}
	for i := range a.voters {
		feats[i] = a.features(i)
		if !a.colluder[i] {
			continue
		}
		c := a.truth[i]
		nc[c]++
		for f := range feats[i] {
			vocab[f] = true
			if nfc[f] == nil {
				nfc[f] = map[string]int{}
			}
			nfc[f][c]++
		}
	}
	out := make([]string, len(a.voters))
	for i := range a.voters {
		best, bestScore := "", math.Inf(-1)
		for _, c := range a.choices {
			score := math.Log(float64(nc[c] + 1))
			for f := range vocab {
				p := float64(nfc[f][c]+1) / float64(nc[c]+2)
				if feats[i][f] {
					score += math.Log(p)
				} else {
					score += math.Log(1 - p)
				}
			}
			if score > bestScore {
				best, bestScore = c, score
			}
		}
		out[i] = best
	}
	return out
}

// nearChoice guesses, without training, the one choice whose name is found
// next to what ballot i changed: a stored item naming it that changed, more
// occurrences of it in a file, or new bytes after it.
func (a *attack) nearChoice() []string {
	out := make([]string, len(a.voters))
	for i := range a.voters {
		hit := map[string]bool{}
		for f := range a.features(i) {
			for _, c := range a.choices {
				if (strings.HasPrefix(f, "chg:") || strings.HasPrefix(f, "add:") || strings.HasPrefix(f, "occ:") ||
					strings.HasPrefix(f, "win:")) && strings.HasSuffix(f, c) {
					hit[c] = true
				}
			}
		}
		if len(hit) == 1 {
			for c := range hit {
				out[i] = c
			}
		}
	}
	return out
}

// closeOrder reads the ballots the close revealed, in the order the store
// lists them, and guesses that they are in the order the voters cast them
// (or the reverse).
func (a *attack) closeOrder(reverse bool) []string {
	var seq []string
	last := a.exposures[len(a.exposures)-1]
	existed := map[string]bool{}
	for _, it := range last.Items {
		existed[strings.Join(it.Path, "/")] = true
	}
	for _, it := range a.after.Items {
		if existed[strings.Join(it.Path, "/")] {
			continue
		}
		var named []string
		for _, c := range a.choices {
			if bytes.Contains(it.Value, []byte(c)) {
				named = append(named, c)
			}
		}
		if len(named) == 1 {
			seq = append(seq, named[0])
		}
	}
	out := make([]string, len(a.voters))
	if len(seq) != len(a.voters) {
		return out
	}
	if reverse {
		for i, j := 0, len(seq)-1; i < j; i, j = i+1, j-1 {
			seq[i], seq[j] = seq[j], seq[i]
		}
	}
	copy(out, seq)
	return out
}
