package ebrest

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// This file owns the invoices' PDF links: the real API gives each invoice a
// shareable urlPdfFile [spec: Invoice, InvoiceListItem]; the sandbox gives
// one on its own host, as the SOAP sandbox does for URLPDFBestand, and
// answers it with a line of text (it renders no PDF).

// pdfPath is where the sandbox answers an invoice's urlPdfFile.
const pdfPath = "/bh/getfactuur.asp"

// pdfURL is the link to the PDF of the invoice with this id, on the host
// the request came to.
func pdfURL(r *http.Request, id int32) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + pdfPath + "?c=" + url.QueryEscape(strconv.Itoa(int(id))) + "&s=sandbox"
}

// servePDF answers an invoice's urlPdfFile: 404 for an invoice that does
// not exist.
func (s *Server) servePDF(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.Atoi(r.URL.Query().Get("c"))
	s.mu.Lock()
	nr := ""
	for _, inv := range s.st.Invoices {
		if err == nil && int(inv.ID) == id {
			nr = inv.InvoiceNumber
		}
	}
	s.mu.Unlock()
	if nr == "" {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "e-Boekhouden REST sandbox: factuur %s (de sandbox maakt geen PDF)\n", nr)
}
