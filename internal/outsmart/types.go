package outsmart

import (
	"time"

	"github.com/koppeling/koppeling/internal/decimal"
)

// Relation is a customer (debiteur) in OutSmart, keyed by DebtorNumber.
type Relation struct {
	DebtorNumber        string // debtor_number: the key of the upsert
	Name                string
	Contact             string
	Phone               string // phone_number
	Mobile              string
	Email               string
	EmailWorkOrder      string // email_workorder: where the work order is mailed
	Street              string
	HouseNumber         string
	PostalCode          string
	City                string
	Country             string // country code
	Remark              string
	ExternalID          string // external_id: the accounting system's own id
	DebtorNumberInvoice string // debtor_number_invoice
	KvKNumber           string // kvk_number (Chamber of Commerce)
	VATNumber           string // vat_number
	DebtorType          string // debtor_type, e.g. "Klant"
	Language            string // e.g. "nl"
	// Active is nil when OutSmart did not say, and is not sent when nil.
	Active *bool
}

// Material is an article in OutSmart, keyed by Code.
type Material struct {
	Code        string
	Description string
	// Price is the sales price excluding VAT.
	Price   decimal.Decimal
	Unit    string
	EANCode string // eancode
	Barcode string
	// FreeField1..5 are free fields of the material card. OutSmart's own
	// e-Boekhouden link keeps the VAT code in 1 and the ledger account in 2
	// [DOC S11].
	FreeField1, FreeField2, FreeField3, FreeField4, FreeField5 string
}

// HourType is an hour type (uursoort), keyed by Code.
type HourType struct {
	Code        string
	Name        string
	CostBooking bool // cost_booking
	SaleBooking bool // sale_booking
	SalePrice   decimal.Decimal
	CostPrice   decimal.Decimal
	// Active is true when OutSmart does not say [inferred: the field is
	// optional on POST].
	Active bool
}

// WorkStatus is a workflow status ("Workflowstatus", sta_code/sta_name),
// such as "1 naar E-boekhouden".
type WorkStatus struct {
	Code string // sta_code: what work orders and filters carry
	Name string // sta_name
}

// Employee is an OutSmart user who works on work orders.
type Employee struct {
	Number    string
	FirstName string
	LastName  string
	Active    bool
}

// Status is a work order's main status ("Werkbonstatus") [DOC S1].
type Status string

// Work order statuses. StatusAll is only a query value.
const (
	StatusAll      Status = "Alle"
	StatusReady    Status = "Klaargezet"
	StatusFetched  Status = "Opgehaald"
	StatusComplete Status = "Compleet"
	StatusHandled  Status = "Afgehandeld"
)

// Party is the customer or the invoice customer of a work order.
type Party struct {
	DebtorNumber  string
	Name          string
	Street        string
	HouseNumber   string
	PostalCode    string
	City          string
	Country       string
	ContactPerson string
	Email         string
	Phone         string
	Remark        string
}

// WorkOrder is a work order (werkbon) as GetWorkorders/GetWorkorder answer
// it, with the fields an invoice export needs.
type WorkOrder struct {
	// RowID is OutSmart's row id ("id"): what GetWorkorder, UpdateWorkorder
	// and MarkHandled take.
	RowID string
	// Number is the work order number made in the app (OrderNr), the number
	// users see.
	Number string
	// ExternalNumber is the number an external system gave at PostWorkorders
	// (WorkorderNo); often empty.
	ExternalNumber string
	// Date is the work date (WorkDate, d-m-Y) as a calendar date at midnight
	// UTC; zero when not set.
	Date time.Time
	// Time is the planned start (WorkTime, H:i) since midnight.
	Time time.Duration
	// Customer is the work address / ordering party (Customer... fields);
	// InvoiceCustomer is the invoice debtor (Customer...Invoice fields).
	Customer, InvoiceCustomer Party
	TypeOfWork                string
	Description               string // WorkDescription
	ShortDescription          string // ShortWorkDescription
	PaymentMethod             string
	ProjectNumber             string // ProjectNr
	EmployeeNumber            string // EmployeeNr
	Status                    Status
	// WorkflowStatus is the sta_code of the workflow status (WorkStatus).
	WorkflowStatus string
	Archived       bool
	// Finished is WorkFinished: the employee marked the work ready.
	Finished bool
	// CreatedAt is CreationDate, OutSmart's wall-clock time (Dutch local
	// time) carried in UTC; zero when not set.
	CreatedAt     time.Time
	PdfURL        string // PdfUrl
	WorksheetCode string
	Materials     []MaterialLine
	WorkPeriods   []WorkPeriod
}

// MaterialLine is a material used on a work order. Quantity × UnitPrice is
// the line amount; OutSmart carries no VAT on lines [DOC S1].
type MaterialLine struct {
	Code      string          // MaterialCode
	Name      string          // MaterialName
	Unit      string          // MaterialUnit
	Type      string          // MaterialType
	Quantity  decimal.Decimal // MaterialNr
	UnitPrice decimal.Decimal // MaterialPrice; "" or null is 0
	// Total is MaterialTotalPrice; when OutSmart leaves it empty it is
	// Quantity × UnitPrice rounded to cents [inferred].
	Total decimal.Decimal
	// FreeFields are MaterialFreeField1..5.
	FreeFields [5]string
}

// WorkPeriod is a registered work period on a work order.
type WorkPeriod struct {
	Date time.Time // WorkDate, midnight UTC
	// Begin and End are times of day (BeginTime, EndTime) since midnight.
	Begin, End time.Duration
	Break      time.Duration
	// Total is TotalTime (End − Begin − Break, H:i) [DOC S1]; when OutSmart
	// leaves it empty it is computed that way [inferred].
	Total          time.Duration
	HourType       string // hour type code
	EmployeeNumber string // EmployeeNr
	Remark         string // WorkRemark
	Travel         decimal.Decimal
}
