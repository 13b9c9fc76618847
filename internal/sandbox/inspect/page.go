package inspect

// This file owns the readable page of a sandbox's state: the demo's
// "Stand van e-Boekhouden/OutSmart" links open it in a browser. A server
// that implements Pager describes its state as tables; the page is HTML
// from html/template, so every value is escaped. The JSON state stays what
// tests and scripts read.

import (
	"html/template"
	"mime"
	"net/http"
	"strings"

	"github.com/koppeling/koppeling/internal/decimal"
)

// Page is a sandbox's state as a person reads it: a title and tables.
type Page struct {
	Title    string
	Intro    string
	Sections []Section
}

// Section is one table of a Page. Numeric columns are right-aligned.
type Section struct {
	Heading string
	// Empty is shown instead of the table when there are no rows.
	Empty   string
	Columns []Column
	Rows    [][]string
}

// Column is a column of a Section.
type Column struct {
	Label   string
	Numeric bool
}

// Pager is a Target that can describe its state as a Page.
type Pager interface {
	Page() Page
}

// wantsHTML reports whether the request prefers HTML over JSON: a browser
// asks for text/html first; Go's http.Get and curl send no such Accept.
func wantsHTML(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mt {
		case "text/html", "application/xhtml+xml":
			return true
		case "application/json":
			return false
		}
	}
	return false
}

var pageTemplate = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="utf-8">
<title>{{.Title}}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 1.6em; }
table { border-collapse: collapse; margin-top: .4em; }
th, td { border: 1px solid #ccc; padding: .25em .6em; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
p.empty, p.intro, p.foot { color: #555; }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
{{with .Intro}}<p class="intro">{{.}}</p>{{end}}
{{range $s := .Sections}}
<h2>{{.Heading}} ({{len .Rows}})</h2>
{{if .Rows}}<table>
<thead><tr>{{range .Columns}}<th{{if .Numeric}} class="num"{{end}}>{{.Label}}</th>{{end}}</tr></thead>
<tbody>
{{range $row := .Rows}}<tr>{{range $i, $cell := $row}}<td{{if (index $s.Columns $i).Numeric}} class="num"{{end}}>{{$cell}}</td>{{end}}</tr>
{{end}}</tbody>
</table>{{else}}<p class="empty">{{.Empty}}</p>{{end}}
{{end}}
<p class="foot">Deze pagina toont de stand op het moment van openen; vernieuw de pagina na een synchronisatie.
De gegevens als JSON: <a href="state?format=json">state</a>.</p>
</body>
</html>
`))

// writePage renders p.
func writePage(w http.ResponseWriter, p Page) {
	// Every row must have a cell per column for the template's index.
	for si := range p.Sections {
		s := &p.Sections[si]
		for ri, row := range s.Rows {
			if len(row) < len(s.Columns) {
				s.Rows[ri] = append(row, make([]string, len(s.Columns)-len(row))...)
			} else if len(row) > len(s.Columns) {
				s.Rows[ri] = row[:len(s.Columns)]
			}
		}
	}
	var b strings.Builder
	if err := pageTemplate.Execute(&b, p); err != nil {
		http.Error(w, "render page: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write([]byte(b.String()))
}

// Money shows a plain decimal amount ("1039.33", "-12.5") the Dutch way,
// "€ 1.039,33"; text that is not such an amount is returned as it is.
func Money(amount string) string {
	t := strings.TrimSpace(amount)
	sign := ""
	if strings.HasPrefix(t, "-") {
		sign, t = "-", t[1:]
	}
	whole, frac, _ := strings.Cut(t, ".")
	if whole == "" || strings.Trim(whole, "0123456789") != "" || strings.Trim(frac, "0123456789") != "" || len(frac) > 4 {
		return amount
	}
	for len(frac) < 2 {
		frac += "0"
	}
	if len(frac) > 2 {
		frac = strings.TrimRight(frac, "0")
		for len(frac) < 2 {
			frac += "0"
		}
	}
	d, err := decimal.Parse(whole + "." + frac)
	if err != nil {
		return amount
	}
	return "€ " + sign + d.Grouped(len(frac))
}

// DutchDate is a YYYY-MM-DD date (or the start of a timestamp) as the
// pages show it, dd-mm-jjjj; anything else as it is.
func DutchDate(s string) string {
	if len(s) >= 10 && s[4] == '-' && s[7] == '-' {
		return s[8:10] + "-" + s[5:7] + "-" + s[0:4]
	}
	return s
}
