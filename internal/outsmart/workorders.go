package outsmart

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/koppeling/koppeling/internal/decimal"
)

// ---- wire form ----

// workOrderIn is a work order as GetWorkorders and GetWorkorder answer it,
// key casing exactly as documented [DOC S1; newer fields CODE S4, S6].
// Fields an invoice export does not need (Photos, Documents, Forms, ...) are
// not read, so their loose shapes cannot make an order unreadable.
type workOrderIn struct {
	ID                           text                 `json:"id"`
	WorkorderNo                  text                 `json:"WorkorderNo"`
	OrderNr                      text                 `json:"OrderNr"`
	WorkDate                     text                 `json:"WorkDate"`
	WorkTime                     text                 `json:"WorkTime"`
	ProjectNr                    text                 `json:"ProjectNr"`
	CustomerName                 text                 `json:"CustomerName"`
	CustomerDebtorNr             text                 `json:"CustomerDebtorNr"`
	CustomerStreet               text                 `json:"CustomerStreet"`
	CustomerStreetNo             text                 `json:"CustomerStreetNo"`
	CustomerEmail                text                 `json:"CustomerEmail"`
	CustomerZIP                  text                 `json:"CustomerZIP"`
	CustomerCity                 text                 `json:"CustomerCity"`
	CustomerCountry              text                 `json:"CustomerCountry"`
	CustomerContactPerson        text                 `json:"CustomerContactPerson"`
	CustomerPhone                text                 `json:"CustomerPhone"`
	CustomerRemark               text                 `json:"CustomerRemark"`
	CustomerNameInvoice          text                 `json:"CustomerNameInvoice"`
	CustomerDebtorNrInvoice      text                 `json:"CustomerDebtorNrInvoice"`
	CustomerStreetInvoice        text                 `json:"CustomerStreetInvoice"`
	CustomerStreetNoInvoice      text                 `json:"CustomerStreetNoInvoice"`
	CustomerEmailInvoice         text                 `json:"CustomerEmailInvoice"`
	CustomerZIPInvoice           text                 `json:"CustomerZIPInvoice"`
	CustomerCityInvoice          text                 `json:"CustomerCityInvoice"`
	CustomerCountryInvoice       text                 `json:"CustomerCountryInvoice"`
	CustomerContactPersonInvoice text                 `json:"CustomerContactPersonInvoice"`
	CustomerPhoneInvoice         text                 `json:"CustomerPhoneInvoice"`
	CustomerRemarkInvoice        text                 `json:"CustomerRemarkInvoice"`
	TypeOfWork                   text                 `json:"TypeOfWork"`
	WorkDescription              text                 `json:"WorkDescription"`
	ShortWorkDescription         text                 `json:"ShortWorkDescription"`
	PaymentMethod                text                 `json:"PaymentMethod"`
	CreationDate                 text                 `json:"CreationDate"`
	EmployeeNr                   text                 `json:"EmployeeNr"`
	Archived                     text                 `json:"Archived"`
	PdfURL                       text                 `json:"PdfUrl"`
	WorksheetCode                text                 `json:"WorksheetCode"`
	Status                       text                 `json:"status"`
	WorkFinished                 text                 `json:"WorkFinished"`
	WorkStatus                   text                 `json:"WorkStatus"`
	Workperiods                  list[workPeriodIn]   `json:"Workperiods"`
	Materials                    list[materialLineIn] `json:"Materials"`
}

type workPeriodIn struct {
	WorkDate   text `json:"WorkDate"`
	BeginTime  text `json:"BeginTime"`
	EndTime    text `json:"EndTime"`
	Break      text `json:"Break"`
	TotalTime  text `json:"TotalTime"`
	WorkRemark text `json:"WorkRemark"`
	Travel     text `json:"Travel"`
	EmployeeNr text `json:"EmployeeNr"`
	HourType   text `json:"HourType"`
}

type materialLineIn struct {
	MaterialCode       text `json:"MaterialCode"`
	MaterialNr         text `json:"MaterialNr"`
	MaterialPrice      text `json:"MaterialPrice"`
	MaterialTotalPrice text `json:"MaterialTotalPrice"`
	MaterialName       text `json:"MaterialName"`
	MaterialUnit       text `json:"MaterialUnit"`
	MaterialType       text `json:"MaterialType"`
	MaterialFreeField1 text `json:"MaterialFreeField1"`
	MaterialFreeField2 text `json:"MaterialFreeField2"`
	MaterialFreeField3 text `json:"MaterialFreeField3"`
	MaterialFreeField4 text `json:"MaterialFreeField4"`
	MaterialFreeField5 text `json:"MaterialFreeField5"`
}

// workOrderCodec reads work orders; a value that cannot be read makes the
// whole order unreadable, with the field named.
var workOrderCodec = codec[workOrderIn, WorkOrder]{kind: "work order", idKey: "id", numberKey: "OrderNr", convert: (*workOrderIn).workOrder}

// decodeWorkOrder reads one work order.
func decodeWorkOrder(rec json.RawMessage) (WorkOrder, *RecordError) {
	return workOrderCodec.decodeOne(rec)
}

func party(debtor, name, street, no, zip, city, country, contact, email, phone, remark text) Party {
	return Party{
		DebtorNumber: string(debtor), Name: string(name), Street: string(street), HouseNumber: string(no),
		PostalCode: string(zip), City: string(city), Country: string(country), ContactPerson: string(contact),
		Email: string(email), Phone: string(phone), Remark: string(remark),
	}
}

func (w *workOrderIn) workOrder() (WorkOrder, string, error) {
	wo := WorkOrder{
		RowID: strings.TrimSpace(string(w.ID)), Number: string(w.OrderNr), ExternalNumber: string(w.WorkorderNo),
		Customer: party(w.CustomerDebtorNr, w.CustomerName, w.CustomerStreet, w.CustomerStreetNo, w.CustomerZIP,
			w.CustomerCity, w.CustomerCountry, w.CustomerContactPerson, w.CustomerEmail, w.CustomerPhone, w.CustomerRemark),
		InvoiceCustomer: party(w.CustomerDebtorNrInvoice, w.CustomerNameInvoice, w.CustomerStreetInvoice,
			w.CustomerStreetNoInvoice, w.CustomerZIPInvoice, w.CustomerCityInvoice, w.CustomerCountryInvoice,
			w.CustomerContactPersonInvoice, w.CustomerEmailInvoice, w.CustomerPhoneInvoice, w.CustomerRemarkInvoice),
		TypeOfWork: string(w.TypeOfWork), Description: string(w.WorkDescription),
		ShortDescription: string(w.ShortWorkDescription), PaymentMethod: string(w.PaymentMethod),
		ProjectNumber: string(w.ProjectNr), EmployeeNumber: string(w.EmployeeNr),
		Status: Status(strings.TrimSpace(string(w.Status))), WorkflowStatus: string(w.WorkStatus),
		PdfURL: string(w.PdfURL), WorksheetCode: string(w.WorksheetCode),
	}
	if wo.RowID == "" {
		return WorkOrder{}, "id", fmt.Errorf("missing: a work order without a row id cannot be handled")
	}
	var err error
	if wo.Date, err = parseDate(w.WorkDate); err != nil {
		return WorkOrder{}, "WorkDate", err
	}
	if wo.Time, err = parseClock(w.WorkTime); err != nil {
		return WorkOrder{}, "WorkTime", err
	}
	if wo.CreatedAt, err = parseDateTime(w.CreationDate); err != nil {
		return WorkOrder{}, "CreationDate", err
	}
	if wo.Archived, err = parseFlag(w.Archived); err != nil {
		return WorkOrder{}, "Archived", err
	}
	if wo.Finished, err = parseFlag(w.WorkFinished); err != nil {
		return WorkOrder{}, "WorkFinished", err
	}
	if len(w.Materials) > 0 {
		wo.Materials = make([]MaterialLine, len(w.Materials))
	}
	for i := range w.Materials {
		line, field, err := w.Materials[i].line()
		if err != nil {
			return WorkOrder{}, fmt.Sprintf("Materials[%d].%s", i, field), err
		}
		wo.Materials[i] = line
	}
	if len(w.Workperiods) > 0 {
		wo.WorkPeriods = make([]WorkPeriod, len(w.Workperiods))
	}
	for i := range w.Workperiods {
		p, field, err := w.Workperiods[i].period()
		if err != nil {
			return WorkOrder{}, fmt.Sprintf("Workperiods[%d].%s", i, field), err
		}
		wo.WorkPeriods[i] = p
	}
	return wo, "", nil
}

func (m *materialLineIn) line() (MaterialLine, string, error) {
	l := MaterialLine{
		Code: string(m.MaterialCode), Name: string(m.MaterialName), Unit: string(m.MaterialUnit), Type: string(m.MaterialType),
		FreeFields: [5]string{string(m.MaterialFreeField1), string(m.MaterialFreeField2), string(m.MaterialFreeField3),
			string(m.MaterialFreeField4), string(m.MaterialFreeField5)},
	}
	var err error
	// An invoice line cannot guess a quantity; a missing price is 0
	// [inferred].
	if l.Quantity, err = parseDecimal(m.MaterialNr, true); err != nil {
		return MaterialLine{}, "MaterialNr", err
	}
	if l.UnitPrice, err = parseDecimal(m.MaterialPrice, false); err != nil {
		return MaterialLine{}, "MaterialPrice", err
	}
	if strings.TrimSpace(string(m.MaterialTotalPrice)) == "" {
		if l.Total, err = mulChecked(l.Quantity, l.UnitPrice); err != nil {
			return MaterialLine{}, "MaterialTotalPrice", err
		}
		l.Total = l.Total.RoundCents()
	} else if l.Total, err = parseDecimal(m.MaterialTotalPrice, false); err != nil {
		return MaterialLine{}, "MaterialTotalPrice", err
	}
	return l, "", nil
}

// mulChecked is a × b, or an error where decimal.Mul would panic on
// overflow: values in an answer must never crash the client.
func mulChecked(a, b decimal.Decimal) (d decimal.Decimal, err error) {
	defer func() {
		if recover() != nil {
			d, err = decimal.Zero, fmt.Errorf("%s × %s is out of range", a, b)
		}
	}()
	return a.Mul(b), nil
}

func (p *workPeriodIn) period() (WorkPeriod, string, error) {
	out := WorkPeriod{HourType: string(p.HourType), EmployeeNumber: string(p.EmployeeNr), Remark: string(p.WorkRemark)}
	var err error
	if out.Date, err = parseDate(p.WorkDate); err != nil {
		return WorkPeriod{}, "WorkDate", err
	}
	if out.Begin, err = parseClock(p.BeginTime); err != nil {
		return WorkPeriod{}, "BeginTime", err
	}
	if out.End, err = parseClock(p.EndTime); err != nil {
		return WorkPeriod{}, "EndTime", err
	}
	if out.Break, err = parseBreak(p.Break); err != nil {
		return WorkPeriod{}, "Break", err
	}
	if out.Travel, err = parseDecimal(p.Travel, false); err != nil {
		return WorkPeriod{}, "Travel", err
	}
	if strings.TrimSpace(string(p.TotalTime)) != "" {
		if out.Total, err = parseSpan(p.TotalTime); err != nil {
			return WorkPeriod{}, "TotalTime", err
		}
		return out, "", nil
	}
	// No TotalTime: End − Begin − Break as documented, across midnight when
	// End is before Begin [inferred].
	if strings.TrimSpace(string(p.BeginTime)) == "" || strings.TrimSpace(string(p.EndTime)) == "" {
		return WorkPeriod{}, "TotalTime", fmt.Errorf("missing, and BeginTime/EndTime are not both set")
	}
	span := out.End - out.Begin
	if span < 0 {
		span += 24 * time.Hour
	}
	if span < out.Break {
		return WorkPeriod{}, "Break", fmt.Errorf("break %s is longer than the period %s", out.Break, span)
	}
	out.Total = span - out.Break
	return out, "", nil
}

// ---- calls ----

// WorkOrderQuery selects work orders for WorkOrders.
type WorkOrderQuery struct {
	// Status is required: StatusAll, StatusReady, StatusFetched,
	// StatusComplete or StatusHandled [DOC S1].
	Status Status
	// WorkStatus is a workflow status code (sta_code); "" means any.
	WorkStatus string
	// Filters are advanced filters on work order fields, e.g.
	// Eq("CustomerDebtorNr", "1003") [CODE S7].
	Filters []Filter
}

func validStatus(s Status) bool {
	switch s {
	case StatusAll, StatusReady, StatusFetched, StatusComplete, StatusHandled:
		return true
	}
	return false
}

// WorkOrders lists the work orders matching q, always with
// update_status=false: OutSmart's default would mark every fetched order
// Afgehandeld [DOC S1].
//
// Readable orders are returned even when others are not: then the error is
// a *PartialError listing each unreadable order (row id, number, field and
// cause), so that one bad order can be reported on its own without holding
// up the rest. Any other error comes with a nil slice. Archived orders are
// returned too; callers decide whether to skip them [CODE S9 does].
func (c *Client) WorkOrders(ctx context.Context, q WorkOrderQuery) ([]WorkOrder, error) {
	r := request{method: http.MethodGet, endpoint: "GetWorkorders", query: url.Values{}}
	if !validStatus(q.Status) {
		return nil, &failure{msg: fmt.Sprintf("outsmart %s: status %q is not one of Alle, Klaargezet, Opgehaald, Compleet, Afgehandeld", r.op(), q.Status)}
	}
	if err := addFilters(r.query, q.Filters); err != nil {
		return nil, &failure{msg: fmt.Sprintf("outsmart %s: %v", r.op(), err)}
	}
	r.query.Set("status", string(q.Status))
	r.query.Set("update_status", "false")
	if q.WorkStatus != "" {
		r.query.Set("workstatus", q.WorkStatus)
	}
	raw, err := c.call(ctx, r)
	if err != nil {
		return nil, err
	}
	return decodeList(c, r.op(), raw, workOrderCodec)
}

// WorkOrder reads one work order by row id, with update_status=false.
// An unknown row id is ErrNotFound (1500); an order that cannot be read is a
// *RecordError naming the field.
func (c *Client) WorkOrder(ctx context.Context, rowID string) (WorkOrder, error) {
	r := request{method: http.MethodGet, endpoint: "GetWorkorder", query: url.Values{}}
	rowID = strings.TrimSpace(rowID)
	if rowID == "" {
		return WorkOrder{}, &failure{msg: "outsmart " + r.op() + ": empty row id"}
	}
	r.query.Set("row_id", rowID)
	r.query.Set("update_status", "false")
	raw, err := c.call(ctx, r)
	if err != nil {
		return WorkOrder{}, err
	}
	// response is one object; S7 also handles a one-element array [CODE S7].
	recs, err := splitList(raw)
	switch {
	case err != nil:
		return WorkOrder{}, &failure{msg: fmt.Sprintf("outsmart %s: row id %s: %v", r.op(), rowID, err), errs: []error{ErrUnreadable}}
	case len(recs) == 0:
		return WorkOrder{}, &failure{msg: fmt.Sprintf("outsmart %s: row id %s: code 200 without a work order", r.op(), rowID), errs: []error{ErrNotFound}}
	case len(recs) > 1:
		return WorkOrder{}, &failure{msg: fmt.Sprintf("outsmart %s: row id %s: %d work orders in the answer, want one", r.op(), rowID, len(recs)), errs: []error{ErrUnreadable}}
	}
	orders, err := decodeList(c, r.op(), raw, workOrderCodec)
	if err != nil {
		if pe, ok := err.(*PartialError); ok && len(pe.Records) == 1 {
			return WorkOrder{}, pe.Records[0]
		}
		return WorkOrder{}, err
	}
	if orders[0].RowID != rowID {
		// Never hand out another order than the one asked for [inferred].
		return WorkOrder{}, &failure{msg: c.red.String(fmt.Sprintf("outsmart %s: asked for row id %s, got work order %s", r.op(), rowID, orders[0].RowID)), errs: []error{ErrUnreadable}}
	}
	return orders[0], nil
}

// MarkHandled sets a work order to Afgehandeld with GetWorkorder and
// update_status=true, the documented last step after processing a Compleet
// order [DOC S1 "API workflow"]. Call it only for orders read as Compleet
// and processed. It is idempotent (an order that is already Afgehandeld
// stays so), so a call whose outcome is unknown is retried [inferred].
func (c *Client) MarkHandled(ctx context.Context, rowID string) error {
	r := request{method: http.MethodGet, endpoint: "GetWorkorder", query: url.Values{}, write: true}
	rowID = strings.TrimSpace(rowID)
	if rowID == "" {
		return &failure{msg: "outsmart " + r.op() + ": empty row id"}
	}
	r.query.Set("row_id", rowID)
	r.query.Set("update_status", "true")
	_, err := c.call(ctx, r)
	return err
}

// SetWorkflowStatus sets a work order's workflow status (sta_code) with
// UpdateWorkorder [DOC S1]. Code 1503 "no data changed" means the order
// already has that status and counts as success [inferred: the call is
// idempotent], which also makes a retry after an unknown outcome safe.
func (c *Client) SetWorkflowStatus(ctx context.Context, rowID, code string) error {
	r := request{method: http.MethodGet, endpoint: "UpdateWorkorder", query: url.Values{}, write: true}
	rowID, code = strings.TrimSpace(rowID), strings.TrimSpace(code)
	if rowID == "" || code == "" {
		return &failure{msg: "outsmart " + r.op() + ": row id and workflow status code are required"}
	}
	r.query.Set("row_id", rowID)
	r.query.Set("workstatus", code)
	_, err := c.call(ctx, r)
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.Code == CodeNoDataChanged && apiErr.HTTPStatus < 300 {
		return nil
	}
	return err
}
