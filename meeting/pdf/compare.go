package pdf

import "strings"

// A Change is a run of words of a page's comparison: kept ("="), removed
// from the older version ("-") or inserted in the newer ("+").
type Change struct {
	Op   string `json:"op"`
	Text string `json:"text"`
}

// PageComparison is one page's comparison of two versions.
type PageComparison struct {
	Page int `json:"page"`
	// Status is "same", "changed", "added" (only in the newer version) or
	// "removed" (only in the older).
	Status  string   `json:"status"`
	Changes []Change `json:"changes"`
	// Inserted and Removed count the words.
	Inserted int `json:"inserted"`
	Removed  int `json:"removed"`
	// Coarse: the page differed too much to compare word by word; its
	// differing middle is shown removed and inserted as a whole.
	Coarse bool `json:"coarse,omitempty"`
}

// maxDiffCells bounds the word-by-word table of one page (old × new words
// left after the common beginning and end): 4 M cells, 16 MB.
const maxDiffCells = 4 << 20

// ComparePages compares two versions' words page by page (page n with
// page n): per page the words kept, removed and inserted, by the longest
// common subsequence of the words after their common beginning and end.
func ComparePages(older, newer [][]string) []PageComparison {
	n := max(len(older), len(newer))
	out := make([]PageComparison, 0, n)
	for i := range n {
		var a, b []string
		if i < len(older) {
			a = older[i]
		}
		if i < len(newer) {
			b = newer[i]
		}
		pc := PageComparison{Page: i + 1, Changes: DiffWords(a, b)}
		pc.Coarse = coarse(a, b)
		for _, c := range pc.Changes {
			switch c.Op {
			case "+":
				pc.Inserted += len(strings.Fields(c.Text))
			case "-":
				pc.Removed += len(strings.Fields(c.Text))
			}
		}
		switch {
		case i >= len(older):
			pc.Status = "added"
		case i >= len(newer):
			pc.Status = "removed"
		case pc.Inserted+pc.Removed > 0:
			pc.Status = "changed"
		default:
			pc.Status = "same"
		}
		if pc.Changes == nil {
			pc.Changes = []Change{}
		}
		out = append(out, pc)
	}
	return out
}

func trimCommon(a, b []string) (pre, suf int) {
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	return pre, suf
}

func coarse(a, b []string) bool {
	pre, suf := trimCommon(a, b)
	return (len(a)-pre-suf)*(len(b)-pre-suf) > maxDiffCells
}

// DiffWords returns the changes that make b from a, runs of the same kind
// merged.
func DiffWords(a, b []string) []Change {
	var out []Change
	add := func(op, w string) {
		if n := len(out); n > 0 && out[n-1].Op == op {
			out[n-1].Text += " " + w
			return
		}
		out = append(out, Change{Op: op, Text: w})
	}
	pre, suf := trimCommon(a, b)
	for _, w := range a[:pre] {
		add("=", w)
	}
	ma, mb := a[pre:len(a)-suf], b[pre:len(b)-suf]
	if len(ma)*len(mb) > maxDiffCells {
		for _, w := range ma {
			add("-", w)
		}
		for _, w := range mb {
			add("+", w)
		}
	} else {
		// lcs[i][j]: the longest common subsequence of ma[i:] and mb[j:].
		w := len(mb) + 1
		lcs := make([]int32, (len(ma)+1)*w)
		for i := len(ma) - 1; i >= 0; i-- {
			for j := len(mb) - 1; j >= 0; j-- {
				if ma[i] == mb[j] {
					lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
				} else {
					lcs[i*w+j] = max(lcs[(i+1)*w+j], lcs[i*w+j+1])
				}
			}
		}
		i, j := 0, 0
		for i < len(ma) && j < len(mb) {
			switch {
			case ma[i] == mb[j]:
				add("=", ma[i])
				i++
				j++
			case lcs[(i+1)*w+j] >= lcs[i*w+j+1]:
				add("-", ma[i])
				i++
			default:
				add("+", mb[j])
				j++
			}
		}
		for ; i < len(ma); i++ {
			add("-", ma[i])
		}
		for ; j < len(mb); j++ {
			add("+", mb[j])
		}
	}
	for _, w := range a[len(a)-suf:] {
		add("=", w)
	}
	return out
}
