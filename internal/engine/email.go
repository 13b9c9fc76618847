package engine

// This file owns e-mailing invoices (export.email, "Factuur per e-mail
// versturen"): e-Boekhouden is asked to e-mail each invoice to its
// relation's invoice e-mail address (else its e-mail address), with the
// subject and message of the settings, their placeholders filled in. A
// work order whose relation has no address is parked with the reason and
// the fix; it is tried again when the relation or the setting changes
// (exportHash covers both) or the user asks. The address goes into the
// journal entry (store.Export.EmailedTo) that is saved before the invoice
// is sent.

import (
	"strconv"
	"strings"

	"github.com/koppeling/koppeling/internal/eboekhouden"
	"github.com/koppeling/koppeling/internal/outsmart"
	"github.com/koppeling/koppeling/internal/store"
)

// relationEmail is the address e-Boekhouden e-mails an invoice for
// relation code to: its invoice address, else its general one; "" when
// the relation has neither (or is not known).
func (x *exporter) relationEmail(code string) string {
	rel := x.rels[code]
	return firstNonEmpty(rel.InvoiceEmail, rel.Email)
}

// emailFact is what the invoice's e-mail depends on, for exportHash: ""
// while e-mail is off (so that the hash of every work order is as before
// the setting existed), else the address it would go to and the e-mail
// template (which e-Boekhouden may refuse).
func (x *exporter) emailFact(code string) string {
	if !x.set.Email {
		return ""
	}
	return "on:" + x.relationEmail(code) + "|" + strconv.FormatInt(x.set.EmailTemplateID, 10)
}

// addEmail has the draft's invoice e-mailed when export.email is on; it
// returns why the work order is parked when the relation has no address.
func (x *exporter) addEmail(c *exportCase, d *invoiceDraft) *parkError {
	if !x.set.Email {
		return nil
	}
	to := x.relationEmail(c.debtor)
	if to == "" {
		p := newPark("park.noemail", "park.noemail.fix", "Code", c.debtor, "Name", x.nameOf(c.debtor, c.wo), "Number", c.wo.Number)
		return &p
	}
	withEmail(&d.invoice, x.set, c.wo, x.nameOf(c.debtor, c.wo))
	d.emailTo = to
	return nil
}

// withEmail sets the e-mail fields of inv from the settings, with the
// placeholders filled in for work order wo and customer.
func withEmail(inv *eboekhouden.Invoice, s store.Settings, wo outsmart.WorkOrder, customer string) {
	fill := func(text string) string {
		return strings.TrimSpace(store.FillEmailText(text, wo.Number, customer, inv.Date, workOrderDay(wo)))
	}
	inv.EmailIt = true
	inv.EmailSubject = fill(s.EmailSubject)
	inv.EmailBody = fill(s.EmailBody)
	inv.EmailFromName = s.EmailFromName
	inv.EmailFromAddress = s.EmailFromAddress
	inv.EmailTemplateID = s.EmailTemplateID
	inv.EmailAttachUBL = s.EmailAttachUBL
}
