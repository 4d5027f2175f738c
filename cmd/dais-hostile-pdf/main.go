// Command dais-hostile-pdf writes the corpus of hostile PDFs and measures
// what checking each one costs an upload.
//
//	dais-hostile-pdf write [-dir meeting/pdf/testdata/hostile]
//	    writes the corpus's small files (the large ones are made by tests)
//	dais-hostile-pdf measure [-dir DIR] [-run REGEXP] [-large=false]
//	    checks each file as an upload is checked (Validate, then Sanitize
//	    when it holds active content, default limits), each in a child
//	    process of its own, and prints per file the answer, the wall and CPU
//	    time and the child's peak resident memory (VmHWM, /proc) above its
//	    resident memory just before the check; then the worst per class.
//	    It fails when an answer differs from the corpus's. Linux only.
//	dais-hostile-pdf child [-dir DIR] NAME
//	    the child: checks one file of the corpus and prints a JSON line.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/dais-meeting/dais/meeting/pdf"
	"github.com/dais-meeting/dais/meeting/pdf/hostile"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "write":
		err = write(os.Args[2:])
	case "measure":
		err = measure(os.Args[2:])
	case "child":
		err = child(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "dais-hostile-pdf:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: dais-hostile-pdf write [-dir DIR] | measure [-run REGEXP] [-large] | child NAME")
	os.Exit(2)
}

func write(args []string) error {
	fs := flag.NewFlagSet("write", flag.ExitOnError)
	dir := fs.String("dir", "meeting/pdf/testdata/hostile", "the corpus folder")
	fs.Parse(args)
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return err
	}
	for _, c := range hostile.Cases() {
		if c.Large {
			continue
		}
		b := c.Make()
		if err := os.WriteFile(filepath.Join(*dir, c.Name+".pdf"), b, 0o644); err != nil {
			return err
		}
		fmt.Printf("%-28s %8d bytes\n", c.Name+".pdf", len(b))
	}
	return nil
}

// result is a child's answer.
type result struct {
	Name    string   `json:"name"`
	Class   string   `json:"class"`
	Size    int      `json:"size"`
	Refused string   `json:"refused,omitempty"`
	Removed []string `json:"removed,omitempty"`
	Message string   `json:"message,omitempty"`
	Millis  float64  `json:"ms"`
	CPUms   float64  `json:"cpu_ms"`
	BaseKiB int64    `json:"base_kib"`
	PeakKiB int64    `json:"peak_kib"`
}

func find(name string) (hostile.Case, bool) {
	for _, c := range hostile.Cases() {
		if c.Name == name {
			return c, true
		}
	}
	return hostile.Case{}, false
}

func child(args []string) error {
	fs := flag.NewFlagSet("child", flag.ExitOnError)
	dir := fs.String("dir", "meeting/pdf/testdata/hostile", "the corpus folder")
	fs.Parse(args)
	if fs.NArg() != 1 {
		usage()
	}
	c, ok := find(fs.Arg(0))
	if !ok {
		return fmt.Errorf("no case %q", fs.Arg(0))
	}
	b := c.Load(*dir)
	e, err := pdf.New(pdf.Config{})
	if err != nil {
		return err
	}
	defer e.Close()
	// Warm up the engine on a clean file so that the baseline holds
	// pdfcpu's own set-up.
	clean, _ := find("clean")
	if _, err := e.Validate(context.Background(), bytes.NewReader(clean.Make())); err != nil {
		return err
	}
	r := result{Name: c.Name, Class: c.Class, Size: len(b)}
	runtime.GC()
	debug.FreeOSMemory()
	resetHWM()
	r.BaseKiB = vmRSS()
	cpu0 := cpuTime()
	start := time.Now()
	info, err := e.Validate(context.Background(), bytes.NewReader(b))
	if err == nil && info.Active != 0 {
		var found = info.Active
		found, err = e.Sanitize(context.Background(), bytes.NewReader(b), io.Discard)
		r.Removed = pdf.Kinds(found)
	}
	r.Millis = float64(time.Since(start).Microseconds()) / 1000
	r.CPUms = float64((cpuTime() - cpu0).Microseconds()) / 1000
	r.PeakKiB = vmHWM()
	if err != nil {
		r.Refused = pdf.RefusalReason(err)
		if r.Refused == "" {
			r.Refused = "?"
		}
		r.Message = err.Error()
	}
	return json.NewEncoder(os.Stdout).Encode(r)
}

func measure(args []string) error {
	fs := flag.NewFlagSet("measure", flag.ExitOnError)
	run := fs.String("run", "", "only the cases whose name matches")
	dir := fs.String("dir", "meeting/pdf/testdata/hostile", "the corpus folder")
	large := fs.Bool("large", true, "include the large cases")
	fs.Parse(args)
	re, err := regexp.Compile(*run)
	if err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "file\tclass\tbytes\tanswer\twall ms\tCPU ms\tpeak RSS above base MiB\tbase MiB\t")
	worst := map[string]result{}
	failed := 0
	for _, c := range hostile.Cases() {
		if !re.MatchString(c.Name) || (c.Large && !*large) {
			continue
		}
		out, err := exec.Command(self, "child", "-dir", *dir, c.Name).Output()
		if err != nil {
			return fmt.Errorf("%s: %v", c.Name, err)
		}
		var r result
		if err := json.Unmarshal(out, &r); err != nil {
			return fmt.Errorf("%s: %v: %s", c.Name, err, out)
		}
		answer := "accepted"
		if r.Refused != "" {
			answer = "refused: " + r.Refused
		} else if len(r.Removed) > 0 {
			answer = "removed: " + strings.Join(r.Removed, ",")
		}
		want := "accepted"
		if c.Want.Refused != "" {
			want = "refused: " + c.Want.Refused
		} else if len(c.Want.Removed) > 0 {
			want = "removed: " + strings.Join(c.Want.Removed, ",")
		}
		if answer != want {
			answer += " (WANT " + want + ")"
			failed++
		}
		above := float64(max(r.PeakKiB-r.BaseKiB, 0)) / 1024
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%.0f\t%.0f\t%.1f\t%.1f\t\n", c.Name, c.Class, r.Size, answer, r.Millis, r.CPUms, above, float64(r.BaseKiB)/1024)
		w, ok := worst[c.Class]
		if !ok {
			w = result{Class: c.Class}
		}
		w.Millis, w.CPUms = max(w.Millis, r.Millis), max(w.CPUms, r.CPUms)
		w.PeakKiB = max(w.PeakKiB, r.PeakKiB-r.BaseKiB)
		w.Size++
		worst[c.Class] = w
	}
	tw.Flush()
	fmt.Println()
	classes := make([]string, 0, len(worst))
	for k := range worst {
		classes = append(classes, k)
	}
	sort.Strings(classes)
	fmt.Fprintln(tw, "class\tfiles\tworst wall ms\tworst CPU ms\tworst peak RSS above base MiB\t")
	for _, k := range classes {
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%.0f\t%.1f\t\n", k, worst[k].Size, worst[k].Millis, worst[k].CPUms, float64(max(worst[k].PeakKiB, 0))/1024)
	}
	tw.Flush()
	if failed > 0 {
		return fmt.Errorf("%d answers differ from the corpus's", failed)
	}
	return nil
}

// vmHWM and vmRSS read this process's peak and current resident memory
// (KiB) from /proc/self/status.
func vmHWM() int64 { return status("VmHWM:") }
func vmRSS() int64 { return status("VmRSS:") }

func status(key string) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, key) {
			f := strings.Fields(line)
			if len(f) >= 2 {
				n, _ := strconv.ParseInt(f[1], 10, 64)
				return n
			}
		}
	}
	return -1
}

// cpuTime is the CPU time (user and system) this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// resetHWM resets the peak to the current resident memory (Linux:
// writing 5 to /proc/self/clear_refs).
func resetHWM() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }
