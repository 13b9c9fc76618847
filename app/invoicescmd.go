package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/koppeling/koppeling/internal/decimal"
	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/store"
)

// runInvoices prints the invoice overview (issue 18): a header and one
// line per invoice Koppeling made, with the payment status the last run
// read from e-Boekhouden. It reads the store only, never a service. When
// the status was read, and a due date made with the current payment term,
// are said on stderr, as settings get names its store there.
func runInvoices(args []string, e env) int {
	fs := flag.NewFlagSet("koppeling invoices", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	onlyOpen := fs.Bool("open", false, "only invoices not paid yet (open, partly paid, overdue)")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return exitCannotRun
	}
	ctx := context.Background()
	st, err := e.openStore(ctx)
	if err != nil {
		return storeFailed(e, "koppeling invoices", err)
	}
	defer st.Close()
	now := time.Now()
	rows, err := st.InvoiceOverview(ctx, time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC))
	if err != nil {
		return storeFailed(e, "koppeling invoices", err)
	}
	set, err := st.Settings(ctx)
	if err != nil {
		return storeFailed(e, "koppeling invoices", err)
	}
	lang := message.FromEnvironment(e.getenv)
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.ReplaceAll(message.Render(lang, "invoices.header", nil), "|", "\t"))
	shown, assumed := 0, false
	var checked time.Time
	for _, r := range rows {
		if *onlyOpen && !r.State.Unpaid() {
			continue
		}
		shown++
		assumed = assumed || r.TermAssumed
		if r.CheckedAt.After(checked) {
			checked = r.CheckedAt
		}
		fmt.Fprintln(tw, strings.Join(invoiceCells(lang, r), "\t"))
	}
	_ = tw.Flush()
	invoicesFooter(e, lang, shown, *onlyOpen, assumed, checked, set.PaymentTermDays)
	return exitOK
}

// invoiceCells are the columns of one invoice, in the header's order.
func invoiceCells(lang message.Lang, r store.InvoiceRow) []string {
	paid, open := "-", "-"
	if r.State != store.PaymentUnknown {
		paid, open = decimal.EuroCents(r.PaidCents), decimal.EuroCents(r.OpenCents)
	}
	due := "-"
	if d, err := time.Parse(time.DateOnly, r.DueDate); err == nil {
		due = message.Date(lang, d)
		if r.TermAssumed {
			due += "*"
		}
	}
	date := r.InvoiceDate
	if d, err := time.Parse(time.DateOnly, r.InvoiceDate); err == nil {
		date = message.Date(lang, d)
	}
	mail := r.EmailedTo
	if mail == "" {
		mail = "-"
	}
	cells := []string{r.OrderNumber, r.InvoiceNumber, date, r.Customer, decimal.EuroCents(r.TotalCents), paid, open,
		message.Render(lang, "invoices.state."+string(r.State), nil), due, mail}
	for i, c := range cells {
		c = strings.Join(strings.Fields(c), " ") // no tab or line break of a name breaks the columns
		if c == "" {
			c = "-"
		}
		cells[i] = c
	}
	return cells
}

// invoicesFooter says on stderr when nothing was listed, when the status
// was read, and what a due date with * means.
func invoicesFooter(e env, lang message.Lang, shown int, onlyOpen, assumed bool, checked time.Time, termDays int) {
	switch {
	case shown == 0 && onlyOpen:
		fmt.Fprintln(e.stderr, message.Render(lang, "invoices.none.open", nil))
	case shown == 0:
		fmt.Fprintln(e.stderr, message.Render(lang, "invoices.none", nil))
	}
	if shown > 0 && checked.IsZero() {
		fmt.Fprintln(e.stderr, message.Render(lang, "invoices.notchecked", nil))
	} else if shown > 0 {
		fmt.Fprintln(e.stderr, message.Render(lang, "invoices.checked", message.Args{"Time": message.DateTime(lang, checked.Local())}))
	}
	if assumed {
		fmt.Fprintln(e.stderr, message.Render(lang, "invoices.termassumed", message.Args{"Days": fmt.Sprint(termDays)}))
	}
}
