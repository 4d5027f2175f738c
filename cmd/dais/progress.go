package main

import (
	"fmt"
	"io"
	"strings"
)

// barWidth is the number of cells of the progress bar.
const barWidth = 30

// progressBar draws "\r[#####     ]  42% 4.2 MB / 10.0 MB  name" on w each
// time the percentage changes. It is driven by the reads of the body, so it
// counts bytes as they stream to the server.
type progressBar struct {
	w     io.Writer
	total int64
	label string

	done  int64
	shown int  // the last percentage drawn
	drawn bool // whether anything was drawn yet
}

func (b *progressBar) add(n int) {
	b.done += int64(n)
	pct := 100
	if b.total > 0 {
		pct = int(min(b.done*100/b.total, 100))
	}
	if b.drawn && pct == b.shown {
		return
	}
	b.shown, b.drawn = pct, true
	fill := pct * barWidth / 100
	fmt.Fprintf(b.w, "\r[%s%s] %3d%% %s / %s  %s", strings.Repeat("#", fill), strings.Repeat(" ", barWidth-fill),
		pct, humanBytes(b.done), humanBytes(b.total), b.label)
}

// finish ends the bar's line.
func (b *progressBar) finish() {
	if b.drawn {
		fmt.Fprintln(b.w)
	}
}

// countingReader reports every read to a progress bar.
type countingReader struct {
	r   io.Reader
	bar *progressBar
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 {
		c.bar.add(n)
	}
	return n, err
}

// humanBytes writes n as B, KB or MB.
func humanBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
