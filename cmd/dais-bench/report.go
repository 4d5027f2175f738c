package main

import (
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"maps"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"
)

// Report is one run of the bench: where it ran and what each scenario
// measured. It is written as JSON and as a self-contained HTML page.
type Report struct {
	Started time.Time `json:"started"`
	Machine Machine   `json:"machine"`
	Command string    `json:"command"`
	Mode    string    `json:"mode"` // embedded or clustered
	Results []*Result `json:"results"`
}

// Machine describes the host.
type Machine struct {
	CPUs   int    `json:"cpus"`
	Model  string `json:"cpu_model"`
	Kernel string `json:"kernel"`
	Go     string `json:"go"`
	MemMiB int64  `json:"mem_mib"`
}

func describeMachine() Machine {
	m := Machine{CPUs: runtime.NumCPU(), Go: runtime.Version()}
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				m.Model = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	if data, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(data))
	}
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int64
		if _, err := fmt.Sscanf(string(data), "MemTotal: %d kB", &kb); err == nil {
			m.MemMiB = kb / 1024
		}
	}
	return m
}

// failed reports whether any scenario found a correctness failure.
func (r *Report) failed() bool {
	for _, res := range r.Results {
		if len(res.Failures) > 0 {
			return true
		}
	}
	return false
}

// writeText prints the figures for a person.
func (r *Report) writeText(w io.Writer) {
	for _, res := range r.Results {
		fmt.Fprintf(w, "\n== %s %v\n", res.Scenario, res.Params)
		for _, name := range slices.Sorted(maps.Keys(res.Latency)) {
			s := res.Latency[name]
			fmt.Fprintf(w, "  %-22s n=%-7d p50 %8.2f ms  p95 %8.2f ms  p99 %8.2f ms  max %8.2f ms\n", name, s.Count, s.P50, s.P95, s.P99, s.Max)
		}
		for _, name := range slices.Sorted(maps.Keys(res.Metrics)) {
			fmt.Fprintf(w, "  %-30s %.3f\n", name, res.Metrics[name])
		}
		for _, c := range res.Checks {
			mark := "MET"
			if !c.Met {
				mark = "MISSED"
			}
			fmt.Fprintf(w, "  target %-36s %-10s %-28s %s\n", c.Name, c.Target, c.Value, mark)
		}
		for _, n := range res.Notes {
			fmt.Fprintf(w, "  note: %s\n", n)
		}
		for _, f := range res.Failures {
			fmt.Fprintf(w, "  FAILURE: %s\n", f)
		}
	}
}

func (r *Report) writeJSON(path string) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

func (r *Report) writeHTML(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := reportPage.Execute(f, r); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// histogramSVG draws a latency histogram as inline SVG.
func histogramSVG(s Summary) template.HTML {
	if len(s.Counts) == 0 {
		return ""
	}
	const w, h, pad = 640, 180, 30
	most := slices.Max(s.Counts)
	bw := float64(w-2*pad) / float64(len(s.Counts))
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" role="img">`, w, h+40)
	for i, c := range s.Counts {
		bh := float64(h-pad) * float64(c) / float64(max(most, 1))
		x := pad + float64(i)*bw
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#3b6ea5"><title>≤ %g ms: %d</title></rect>`,
			x+1, float64(h)-bh, bw-2, bh, s.Bounds[i], c)
		if i%2 == 0 || len(s.Counts) < 16 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-size="10" text-anchor="middle">%g</text>`, x+bw/2, h+14, s.Bounds[i])
		}
		if c > 0 && bw >= 24 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="9" text-anchor="middle">%d</text>`, x+bw/2, float64(h)-bh-3, c)
		}
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" text-anchor="middle">latency, ms (bucket upper bound)</text>`, w/2, h+32)
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // built from numbers only
}

var reportPage = template.Must(template.New("report").Funcs(template.FuncMap{
	"svg":     histogramSVG,
	"sorted":  func(m map[string]float64) []string { return slices.Sorted(maps.Keys(m)) },
	"lsorted": func(m map[string]Summary) []string { return slices.Sorted(maps.Keys(m)) },
}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Dais bench {{.Started.Format "2006-01-02 15:04"}}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em;max-width:60em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}
th{background:#eee}td:first-child,th:first-child{text-align:left}.met{color:#060}.missed{color:#a00;font-weight:bold}
.fail{color:#fff;background:#a00;padding:2px 6px}
</style></head><body>
<h1>Dais bench</h1>
<p>{{.Started.Format "2006-01-02 15:04:05 MST"}} · {{.Mode}} · {{.Machine.CPUs}} × {{.Machine.Model}} · {{.Machine.MemMiB}} MiB · Linux {{.Machine.Kernel}} · {{.Machine.Go}}</p>
<p><code>{{.Command}}</code></p>
{{range .Results}}
<h2>{{.Scenario}}</h2>
<p>{{range $k, $v := .Params}}{{$k}} = {{$v}} · {{end}}</p>
{{range .Failures}}<p class="fail">FAILURE: {{.}}</p>{{end}}
{{if .Checks}}<table><tr><th>target</th><th>wanted</th><th>measured</th><th></th></tr>
{{range .Checks}}<tr><td>{{.Name}}</td><td>{{.Target}}</td><td>{{.Value}}</td><td>{{if .Met}}<span class="met">met</span>{{else}}<span class="missed">missed</span>{{end}}</td></tr>{{end}}
</table>{{end}}
{{$lat := .Latency}}
{{range lsorted .Latency}}{{$s := index $lat .}}
<h3>{{.}}</h3>
<table><tr><th>n</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>max ms</th><th>mean ms</th></tr>
<tr><td>{{$s.Count}}</td><td>{{printf "%.2f" $s.P50}}</td><td>{{printf "%.2f" $s.P95}}</td><td>{{printf "%.2f" $s.P99}}</td><td>{{printf "%.2f" $s.Max}}</td><td>{{printf "%.2f" $s.Mean}}</td></tr></table>
{{svg $s}}
{{end}}
{{$m := .Metrics}}
<table><tr><th>metric</th><th>value</th></tr>{{range sorted .Metrics}}<tr><td>{{.}}</td><td>{{printf "%.3f" (index $m .)}}</td></tr>{{end}}</table>
{{range .Notes}}<p>{{.}}</p>{{end}}
{{end}}
</body></html>
`))
