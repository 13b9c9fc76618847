package outsmart

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
)

// This file holds the master data: relations, materials and hour types
// (list and upsert), workflow statuses and employees (list).

// ---- wire forms ----

// relationIn is a relation as GET relations answers it [DOC S1, S3].
type relationIn struct {
	Name                text `json:"name"`
	DebtorNumber        text `json:"debtor_number"`
	Contact             text `json:"contact"`
	PhoneNumber         text `json:"phone_number"`
	Mobile              text `json:"mobile"`
	Email               text `json:"email"`
	EmailWorkorder      text `json:"email_workorder"`
	Street              text `json:"street"`
	HouseNumber         text `json:"house_number"`
	PostalCode          text `json:"postal_code"`
	City                text `json:"city"`
	Country             text `json:"country"`
	Remark              text `json:"remark"`
	ExternalID          text `json:"external_id"`
	DebtorNumberInvoice text `json:"debtor_number_invoice"`
	KvkNumber           text `json:"kvk_number"`
	VatNumber           text `json:"vat_number"`
	DebtorType          text `json:"debtor_type"`
	Language            text `json:"language"`
	Active              text `json:"active"`
}

// relationOut is a relation as POST relations takes it. The required fields
// (name, debtor_number, street, postal_code, city [DOC S1]) are always sent;
// the optional ones only when set, so that a sync never empties a field that
// was filled in OutSmart [inferred: OutSmart updates the fields sent]. The
// order is the Blueprint's, then the newer GitBook fields.
type relationOut struct {
	Name                string `json:"name"`
	DebtorNumber        string `json:"debtor_number"`
	Contact             string `json:"contact,omitempty"`
	PhoneNumber         string `json:"phone_number,omitempty"`
	Email               string `json:"email,omitempty"`
	EmailWorkorder      string `json:"email_workorder,omitempty"`
	Street              string `json:"street"`
	HouseNumber         string `json:"house_number,omitempty"`
	PostalCode          string `json:"postal_code"`
	City                string `json:"city"`
	Remark              string `json:"remark,omitempty"`
	Mobile              string `json:"mobile,omitempty"`
	Country             string `json:"country,omitempty"`
	ExternalID          string `json:"external_id,omitempty"`
	DebtorNumberInvoice string `json:"debtor_number_invoice,omitempty"`
	KvkNumber           string `json:"kvk_number,omitempty"`
	VatNumber           string `json:"vat_number,omitempty"`
	DebtorType          string `json:"debtor_type,omitempty"`
	Language            string `json:"language,omitempty"`
	Active              string `json:"active,omitempty"`
}

// materialIn is a material as GET materials answers it; price is a comma
// decimal ("4,55") [DOC S1].
type materialIn struct {
	Code        text `json:"code"`
	Description text `json:"description"`
	Price       text `json:"price"`
	Unit        text `json:"unit"`
	Eancode     text `json:"eancode"`
	Barcode     text `json:"barcode"`
	Freefield1  text `json:"freefield1"`
	Freefield2  text `json:"freefield2"`
	Freefield3  text `json:"freefield3"`
	Freefield4  text `json:"freefield4"`
	Freefield5  text `json:"freefield5"`
}

// materialOut is a material as POST materials takes it: code, description,
// price and unit always (required [DOC S1]), the price as in the Blueprint's
// example ("4,55"); the optional fields only when set.
type materialOut struct {
	Code        string `json:"code"`
	Description string `json:"description"`
	Price       string `json:"price"`
	Unit        string `json:"unit"`
	Eancode     string `json:"eancode,omitempty"`
	Barcode     string `json:"barcode,omitempty"`
	Freefield1  string `json:"freefield1,omitempty"`
	Freefield2  string `json:"freefield2,omitempty"`
	Freefield3  string `json:"freefield3,omitempty"`
	Freefield4  string `json:"freefield4,omitempty"`
	Freefield5  string `json:"freefield5,omitempty"`
}

// hourTypeIn is an hour type as GET hourtypes answers it: flags "0"/"1",
// prices dot decimals ("50.00") [DOC S1].
type hourTypeIn struct {
	Code        text `json:"code"`
	Name        text `json:"name"`
	CostBooking text `json:"cost_booking"`
	SaleBooking text `json:"sale_booking"`
	SalePrice   text `json:"sale_price"`
	CostPrice   text `json:"cost_price"`
	Active      text `json:"active"`
}

// hourTypeOut is an hour type as POST hourtypes takes it: all seven fields,
// in the Blueprint's order and notation.
type hourTypeOut struct {
	Code        string `json:"code"`
	Name        string `json:"name"`
	CostBooking string `json:"cost_booking"`
	SaleBooking string `json:"sale_booking"`
	SalePrice   string `json:"sale_price"`
	CostPrice   string `json:"cost_price"`
	Active      string `json:"active"`
}

type workStatusIn struct {
	Code text `json:"sta_code"`
	Name text `json:"sta_name"`
}

type employeeIn struct {
	Firstname text `json:"firstname"`
	Lastname  text `json:"lastname"`
	Number    text `json:"number"`
	Active    text `json:"active"`
}

// ---- mapping ----

func (w *relationIn) relation() (Relation, string, error) {
	active, err := parseOptFlag(w.Active)
	if err != nil {
		return Relation{}, "active", err
	}
	return Relation{
		DebtorNumber: string(w.DebtorNumber), Name: string(w.Name), Contact: string(w.Contact),
		Phone: string(w.PhoneNumber), Mobile: string(w.Mobile), Email: string(w.Email),
		EmailWorkOrder: string(w.EmailWorkorder), Street: string(w.Street), HouseNumber: string(w.HouseNumber),
		PostalCode: string(w.PostalCode), City: string(w.City), Country: string(w.Country),
		Remark: string(w.Remark), ExternalID: string(w.ExternalID), DebtorNumberInvoice: string(w.DebtorNumberInvoice),
		KvKNumber: string(w.KvkNumber), VATNumber: string(w.VatNumber), DebtorType: string(w.DebtorType),
		Language: string(w.Language), Active: active,
	}, "", nil
}

func (w *workStatusIn) workStatus() (WorkStatus, string, error) {
	return WorkStatus{Code: string(w.Code), Name: string(w.Name)}, "", nil
}

// employee: an employee without "active" is active [inferred].
func (w *employeeIn) employee() (Employee, string, error) {
	active, err := parseOptFlag(w.Active)
	if err != nil {
		return Employee{}, "active", err
	}
	return Employee{Number: string(w.Number), FirstName: string(w.Firstname), LastName: string(w.Lastname),
		Active: active == nil || *active}, "", nil
}

func relationWire(r Relation) relationOut {
	out := relationOut{
		Name: r.Name, DebtorNumber: r.DebtorNumber, Contact: r.Contact, PhoneNumber: r.Phone,
		Email: r.Email, EmailWorkorder: r.EmailWorkOrder, Street: r.Street, HouseNumber: r.HouseNumber,
		PostalCode: r.PostalCode, City: r.City, Remark: r.Remark, Mobile: r.Mobile, Country: r.Country,
		ExternalID: r.ExternalID, DebtorNumberInvoice: r.DebtorNumberInvoice, KvkNumber: r.KvKNumber,
		VatNumber: r.VATNumber, DebtorType: r.DebtorType, Language: r.Language,
	}
	if r.Active != nil {
		out.Active = flagText(*r.Active)
	}
	return out
}

func (w *materialIn) material() (Material, string, error) {
	price, err := parseDecimal(w.Price, false)
	if err != nil {
		return Material{}, "price", err
	}
	return Material{
		Code: string(w.Code), Description: string(w.Description), Price: price, Unit: string(w.Unit),
		EANCode: string(w.Eancode), Barcode: string(w.Barcode),
		FreeField1: string(w.Freefield1), FreeField2: string(w.Freefield2), FreeField3: string(w.Freefield3),
		FreeField4: string(w.Freefield4), FreeField5: string(w.Freefield5),
	}, "", nil
}

func materialWire(m Material) materialOut {
	return materialOut{
		Code: m.Code, Description: m.Description, Price: wireDecimal(m.Price, ","), Unit: m.Unit,
		Eancode: m.EANCode, Barcode: m.Barcode,
		Freefield1: m.FreeField1, Freefield2: m.FreeField2, Freefield3: m.FreeField3,
		Freefield4: m.FreeField4, Freefield5: m.FreeField5,
	}
}

func (w *hourTypeIn) hourType() (HourType, string, error) {
	h := HourType{Code: string(w.Code), Name: string(w.Name), Active: true}
	var err error
	if h.CostBooking, err = parseFlag(w.CostBooking); err != nil {
		return HourType{}, "cost_booking", err
	}
	if h.SaleBooking, err = parseFlag(w.SaleBooking); err != nil {
		return HourType{}, "sale_booking", err
	}
	if h.SalePrice, err = parseDecimal(w.SalePrice, false); err != nil {
		return HourType{}, "sale_price", err
	}
	if h.CostPrice, err = parseDecimal(w.CostPrice, false); err != nil {
		return HourType{}, "cost_price", err
	}
	active, err := parseOptFlag(w.Active)
	if err != nil {
		return HourType{}, "active", err
	}
	if active != nil {
		h.Active = *active
	}
	return h, "", nil
}

func hourTypeWire(h HourType) hourTypeOut {
	return hourTypeOut{
		Code: h.Code, Name: h.Name, CostBooking: flagText(h.CostBooking), SaleBooking: flagText(h.SaleBooking),
		SalePrice: wireDecimal(h.SalePrice, "."), CostPrice: wireDecimal(h.CostPrice, "."), Active: flagText(h.Active),
	}
}

// ---- calls ----

// The codecs of the master-data records.
var (
	relationCodec   = codec[relationIn, Relation]{kind: "relation", idKey: "debtor_number", convert: (*relationIn).relation}
	materialCodec   = codec[materialIn, Material]{kind: "material", idKey: "code", convert: (*materialIn).material}
	hourTypeCodec   = codec[hourTypeIn, HourType]{kind: "hour type", idKey: "code", convert: (*hourTypeIn).hourType}
	workStatusCodec = codec[workStatusIn, WorkStatus]{kind: "workflow status", idKey: "sta_code", convert: (*workStatusIn).workStatus}
	employeeCodec   = codec[employeeIn, Employee]{kind: "employee", idKey: "number", convert: (*employeeIn).employee}
)

// listRecords GETs a master-data endpoint and decodes its records.
func listRecords[W, T any](ctx context.Context, c *Client, endpoint string, filters []Filter, cd codec[W, T]) ([]T, error) {
	r := request{method: http.MethodGet, endpoint: endpoint, query: url.Values{}}
	if err := addFilters(r.query, filters); err != nil {
		return nil, &failure{msg: fmt.Sprintf("outsmart %s: %v", r.op(), err)}
	}
	raw, err := c.call(ctx, r)
	if err != nil {
		return nil, err
	}
	return decodeList(c, r.op(), raw, cd)
}

// upsert POSTs records in batches of BatchSize and returns the number
// OutSmart reports as synced. On a failure it returns the number synced by
// the earlier batches and an error naming the failed batch.
//
// Upserts are keyed on debtor_number (relations) or code (materials, hour
// types) [inferred: the docs call POST a sync, and the records have no other
// key]: sending the same batch twice leaves OutSmart as sending it once, so
// a batch whose outcome is unknown is retried (see call).
func upsert[T any, W any](ctx context.Context, c *Client, endpoint, keyName string, items []T, key func(T) string, wire func(T) W) (int, error) {
	total := 0
	batches := (len(items) + c.batchSize - 1) / c.batchSize
	for b := range batches {
		lo, hi := b*c.batchSize, min((b+1)*c.batchSize, len(items))
		batch := make([]W, 0, hi-lo)
		for _, it := range items[lo:hi] {
			batch = append(batch, wire(it))
		}
		r := request{method: http.MethodPost, endpoint: endpoint, write: true}
		where := fmt.Sprintf("batch %d of %d: records %d-%d, %s %s .. %s; %d synced before",
			b+1, batches, lo+1, hi, keyName, key(items[lo]), key(items[hi-1]), total)
		body, err := marshalBody(batch)
		if err != nil {
			return total, &failure{msg: c.red.String(fmt.Sprintf("outsmart %s: encode %s: %v", r.op(), where, err))}
		}
		r.body = body
		raw, err := c.call(ctx, r)
		if err != nil {
			return total, &failure{msg: c.red.String(fmt.Sprintf("%v (%s)", err, where)), errs: []error{err}}
		}
		n, err := parseCount(raw)
		if err != nil {
			// Code 200 means the batch was applied; an unreadable count does
			// not change that [inferred].
			n = hi - lo
			if c.log != nil {
				c.log.LogAttrs(ctx, slog.LevelWarn, "outsmart upsert: unreadable count, assuming the whole batch",
					slog.String("op", r.op()), slog.Int("batch", b+1), slog.String("error", err.Error()))
			}
		}
		total += n
	}
	return total, nil
}

// Relations lists the relations that match every filter (none: all).
// Filter keys seen working: debtor_number, active, zip [CODE S7, S8; DOC S2].
func (c *Client) Relations(ctx context.Context, filters ...Filter) ([]Relation, error) {
	return listRecords(ctx, c, "relations", filters, relationCodec)
}

// UpsertRelations creates or updates relations by debtor number, BatchSize
// per POST, and returns the number OutSmart reports as synced. Required
// fields (name, debtor number, street, postal code, city) are always sent,
// optional ones only when set. The call is idempotent, so a batch whose
// outcome is unknown is retried; after a failure the count covers the
// earlier batches and the error names the failed one (code 1301 for a
// missing required field).
func (c *Client) UpsertRelations(ctx context.Context, relations []Relation) (int, error) {
	return upsert(ctx, c, "relations", "debtor_number", relations,
		func(r Relation) string { return r.DebtorNumber }, relationWire)
}

// Materials lists the materials that match every filter (none: all).
func (c *Client) Materials(ctx context.Context, filters ...Filter) ([]Material, error) {
	return listRecords(ctx, c, "materials", filters, materialCodec)
}

// UpsertMaterials creates or updates materials by code, BatchSize per POST,
// and returns the number OutSmart reports as synced. Prices are sent as in
// the Blueprint's example ("4,55"). Idempotent and batched like
// UpsertRelations (1201 for a missing required field).
func (c *Client) UpsertMaterials(ctx context.Context, materials []Material) (int, error) {
	return upsert(ctx, c, "materials", "code", materials,
		func(m Material) string { return m.Code }, materialWire)
}

// HourTypes lists the hour types that match every filter (none: all).
func (c *Client) HourTypes(ctx context.Context, filters ...Filter) ([]HourType, error) {
	return listRecords(ctx, c, "hourtypes", filters, hourTypeCodec)
}

// UpsertHourTypes creates or updates hour types by code, BatchSize per POST,
// and returns the number OutSmart reports as synced. All seven fields are
// sent, flags as "0"/"1" and prices as "50.00". Idempotent and batched like
// UpsertRelations (1801 for a missing field or an unparsable value).
func (c *Client) UpsertHourTypes(ctx context.Context, hourTypes []HourType) (int, error) {
	return upsert(ctx, c, "hourtypes", "code", hourTypes,
		func(h HourType) string { return h.Code }, hourTypeWire)
}

// WorkStatuses lists the workflow statuses (workstatusses, spelled so
// [DOC S1]).
func (c *Client) WorkStatuses(ctx context.Context) ([]WorkStatus, error) {
	return listRecords(ctx, c, "workstatusses", nil, workStatusCodec)
}

// Employees lists the employees (OutSmart ignores filters here [CODE S7]).
func (c *Client) Employees(ctx context.Context) ([]Employee, error) {
	return listRecords(ctx, c, "employees", nil, employeeCodec)
}

// CheckLogin checks the credentials with GET employees, which must answer
// code 200 [CODE S9]. Refused credentials give an error matching
// ErrUnauthorized whose text says which token (1002-1005).
func (c *Client) CheckLogin(ctx context.Context) error {
	_, err := c.call(ctx, request{method: http.MethodGet, endpoint: "employees"})
	return err
}
