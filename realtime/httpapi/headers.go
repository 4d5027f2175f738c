package httpapi

import "net/http"

// ContentSecurityPolicy is what a page served by a Dais node may load and
// do: its own scripts, styles and workers only (pdf.js runs its worker from
// the same origin, a blob: URL or a data: font), pictures and PDFs from the
// same origin or blob:/data: URLs, network requests to the same origin
// (the WebSocket included), no plug-ins, no <base> elsewhere, no form
// posted elsewhere, and no page of any origin may frame it
// (frame-ancestors 'none': a page cannot be overlaid on a secretary's
// console to steal clicks).
const ContentSecurityPolicy = "default-src 'self'; " +
	"script-src 'self' 'wasm-unsafe-eval'; " +
	"style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: blob:; " +
	"font-src 'self' data:; " +
	"connect-src 'self' data: blob:; " +
	"worker-src 'self' blob:; " +
	"media-src 'self' blob:; " +
	"object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// hsts asks browsers to come back only over HTTPS for a year. It has no
// includeSubDomains: the node does not own its parent domain's names.
const hsts = "max-age=31536000"

// SecurityHeaders sets on every answer of next the headers that tell a
// browser how to treat it: the Content-Security-Policy above (which
// replaces X-Frame-Options; DENY is kept for older browsers), no MIME
// sniffing, no Referer sent to anyone (URLs may name meetings and
// documents), and, when the node serves HTTPS, Strict-Transport-Security.
func SecurityHeaders(next http.Handler, https bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", ContentSecurityPolicy)
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if https {
			h.Set("Strict-Transport-Security", hsts)
		}
		next.ServeHTTP(w, r)
	})
}
