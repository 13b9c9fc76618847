package ebrest

import "strconv"

// This file owns e-mailing an invoice: GET /v1/emailtemplate (the
// administration's e-mail templates, which the dataset does not hold), the
// checks of an invoice's `email` block and emailTemplateId, and the record
// of what was asked on the stored invoice. The sandbox sends no e-mail.

// EmailTemplate is the reference's EmailTemplateListItem.
type EmailTemplate struct {
	ID         int32  `json:"id"`
	Name       string `json:"name"`
	UseInvoice bool   `json:"useInvoice"`
	UseQuote   bool   `json:"useQuote"`
	UseMailing bool   `json:"useMailing"`
}

// The demo's e-mail templates.
const (
	// EmailTemplateInvoice is the demo's e-mail template for invoices.
	EmailTemplateInvoice = 301
	// EmailTemplateQuote is for quotes only.
	EmailTemplateQuote = 302
)

func demoEmailTemplates() []EmailTemplate {
	return []EmailTemplate{
		{ID: EmailTemplateInvoice, Name: "Factuur standaard", UseInvoice: true},
		{ID: EmailTemplateQuote, Name: "Offerte", UseQuote: true},
	}
}

// InvoiceEmail is the sandbox's record of an invoice's `email` block
// (CreateInvoiceEmail) and the address the invoice went to: the relation's
// invoice e-mail address, else its e-mail address [inferred: the reference
// says "the relation's (invoice) e-mail address"].
type InvoiceEmail struct {
	To        string `json:"to"`
	FromEmail string `json:"fromEmail,omitempty"`
	FromName  string `json:"fromName,omitempty"`
	Subject   string `json:"subject,omitempty"`
	Body      string `json:"body,omitempty"`
	AttachUbl bool   `json:"attachUbl,omitempty"`
}

func init() {
	codeTitles["FACT_EMAIL_006"] = "Sender email is invalid."
	codeTitles["FACT_EMAIL_011"] = "Email body is too long"
	codeTitles["FACT_EMAIL_013"] = "Email subject is missing."
	codeTitles["FACT_EMAIL_014"] = "Email body is missing."
}

// emailBodyMax is the longest body the sandbox takes (FACT_EMAIL_011 states
// no number). [inferred]
const emailBodyMax = 35000

func (s *Server) listEmailTemplates(c *call) *response {
	q, resp := parseList(c.r.URL.RawQuery, map[string]filterKind{})
	if resp != nil {
		return resp
	}
	ts := s.st.EmailTemplates
	order := byID(len(ts), func(i int) int32 { return ts[i].ID })
	idx, total := page(len(ts), q, func(i int, _ string) string { return strconv.Itoa(int(ts[order[i]].ID)) })
	out := listEnvelope[EmailTemplate]{Items: []EmailTemplate{}, Count: total}
	for _, i := range idx {
		out.Items = append(out.Items, ts[order[i]])
	}
	return jsonResponse(out)
}

// emailTemplate returns the e-mail template with id, or nil.
func (st *State) emailTemplate(id int32) *EmailTemplate {
	for i := range st.EmailTemplates {
		if st.EmailTemplates[i].ID == id {
			return &st.EmailTemplates[i]
		}
	}
	return nil
}

// invoiceEmailTemplate reports whether id is an e-mail template for
// invoices (FACT_020 otherwise [inferred: a template for quotes only is
// refused as not found]).
func (st *State) invoiceEmailTemplate(id int32) bool {
	t := st.emailTemplate(id)
	return t != nil && t.UseInvoice
}

// validateEmail checks the `email` block: the relation needs an
// address (FACT_EMAIL_001), the sender address must be one
// (FACT_EMAIL_006), and without a template the subject and body are needed
// (FACT_EMAIL_013, FACT_EMAIL_014 [inferred: "if missing", presumably when
// no template gives them]).
func (q *createInvoiceRequest) validateEmail(st *State) *response {
	e := q.Email
	if e == nil {
		return nil
	}
	rel := st.relation(*q.RelationID)
	switch {
	case rel.EmailAddress == "" && rel.EmailAddressInvoice == "":
		return validation("FACT_EMAIL_001", "relationId")
	case deref(e.FromEmail) != "" && !emailPattern.MatchString(*e.FromEmail):
		return validation("FACT_EMAIL_006", "email.fromEmail")
	case runeLen(e.Body) > emailBodyMax:
		return validation("FACT_EMAIL_011", "email.body")
	case q.EmailTemplateID == nil && deref(e.Subject) == "":
		return validation("FACT_EMAIL_013", "email.subject")
	case q.EmailTemplateID == nil && deref(e.Body) == "":
		return validation("FACT_EMAIL_014", "email.body")
	}
	return nil
}

// emailRecord is what the invoice records of a valid `email` block, or nil.
func (q *createInvoiceRequest) emailRecord(st *State) *InvoiceEmail {
	e := q.Email
	if e == nil {
		return nil
	}
	rel := st.relation(*q.RelationID)
	to := rel.EmailAddressInvoice
	if to == "" {
		to = rel.EmailAddress
	}
	return &InvoiceEmail{To: to, FromEmail: deref(e.FromEmail), FromName: deref(e.FromName), Subject: deref(e.Subject),
		Body: deref(e.Body), AttachUbl: (e.AttachUbl != nil && *e.AttachUbl) || (e.InvoiceUbl != nil && *e.InvoiceUbl)}
}
