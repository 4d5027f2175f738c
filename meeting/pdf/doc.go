// Package pdf is Dais's PDF engine: it validates uploaded documents, stamps
// a reader's copy with a watermark, flattens a delegate's annotations into
// their own copy, merges the agenda documents into one packet with
// bookmarks, and writes the minutes (PDF) and the ballot record (CSV). It
// wraps pdfcpu and embeds DejaVu Sans so that Vietnamese comes out whole.
//
// Concurrency: an *Engine is safe for concurrent use. At most
// Config.Concurrency heavy operations run at once; each is bounded by
// Config.Timeout and runs pdfcpu on a goroutine the Engine owns, over bytes
// copied in memory, so a caller that gives up never shares its reader or
// writer with work still running. pdfcpu cannot be interrupted: an operation
// that times out keeps its slot until pdfcpu returns, and Close waits for it.
//
// pdfcpu keeps its configuration and its font folder in package variables.
// New sets them once (no config folder under $HOME, the fonts in
// Config.FontDir or a private temporary folder) while the first Engine of
// the process is opened; later Engines share that set-up until the last one
// is closed. This is the one piece of process-wide state, and it belongs to
// pdfcpu, not to Dais.
//
// Every pdfcpu call runs under recover: pdfcpu re-throws some panics on
// corrupt input, and no panic reaches a caller. Refusals are *meeting.Error
// values (code Invalid for bad input) with an English and a Vietnamese
// message; text written into PDFs is normalised to NFC.
package pdf
