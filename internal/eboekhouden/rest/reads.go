package rest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// maxListRecords bounds one list read, so that a server that never sends a
// short page cannot keep the client busy forever [inferred: far above any
// administration Koppeling serves].
const maxListRecords = 1_000_000

// Filter is one filter on a list (§4.2): Param is the query parameter
// ("code", "name", ...), Op one of eq (default), not_eq, like, not_like,
// gt, gte, lt, lte, range. For like, % matches any run and ? one character;
// for range, Value is "a,b" (inclusive).
type Filter struct {
	Param, Op, Value string
}

var filterOps = map[string]bool{"": true, "eq": true, "not_eq": true, "like": true, "not_like": true,
	"gt": true, "gte": true, "lt": true, "lte": true, "range": true}

// listParams are the filter parameters of each list (§4.2). The API ignores
// a query parameter it does not know [inferred: ASP.NET], so a misspelt
// filter would silently return the whole list: the client refuses it.
var listParams = map[string][]string{
	"/v1/relation":        {"code", "type", "email", "name", "contact", "city"},
	"/v1/product":         {"code", "groupCode"},
	"/v1/unit":            {"singular", "plural"},
	"/v1/invoicetemplate": {"name", "type", "active"},
	// The open items (outstanding.go); credDeb is required.
	"/v1/mutation/invoice/outstanding": {"credDeb", "invoiceNumber"},
}

// filterQuery builds the parameters of a filtered list of path. Only one
// filter per parameter is allowed (§4.2).
func filterQuery(op, path string, filters []Filter) (url.Values, error) {
	q := url.Values{}
	seen := map[string]bool{}
	for _, f := range filters {
		switch {
		case !slices.Contains(listParams[path], f.Param):
			return nil, fmt.Errorf("e-Boekhouden REST %s: %q is not a filter parameter (%s)", op, f.Param,
				strings.Join(listParams[path], ", "))
		case !filterOps[f.Op]:
			return nil, fmt.Errorf("e-Boekhouden REST %s: unknown filter operator %q", op, f.Op)
		case seen[f.Param]:
			return nil, fmt.Errorf("e-Boekhouden REST %s: only one filter per parameter (%s)", op, f.Param)
		}
		seen[f.Param] = true
		key := f.Param
		if f.Op != "" && f.Op != "eq" {
			key += "[" + f.Op + "]"
		}
		q.Set(key, f.Value)
	}
	return q, nil
}

// listAll reads every page of a list endpoint (list) into values of T:
// parse reads one item, id names it for list's checks. An item that
// cannot be read fails the whole list, never shortens it.
func listAll[T any](ctx context.Context, c *Client, path, kind string, filters []Filter,
	parse func(json.RawMessage) (T, error), id func(T) int64) ([]T, error) {
	var out []T
	err := c.list(ctx, path, kind, filters, func(raw json.RawMessage, _ int) (int64, error) {
		v, err := parse(raw)
		if err == nil {
			out = append(out, v)
		}
		return id(v), err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// list reads every page of a list endpoint (§4.1): limit = the page size,
// offset from 0, until a page has fewer items than the limit. count is not
// used: its meaning is not documented. each gets every item with its
// position in the whole list and returns the record's id.
func (c *Client) list(ctx context.Context, path, kind string, filters []Filter, each func(raw json.RawMessage, index int) (int64, error)) error {
	op := http.MethodGet + " " + path
	base, err := filterQuery(op, path, filters)
	if err != nil {
		return err
	}
	seen := map[int64]bool{}
	for offset := 0; ; {
		q := url.Values{}
		for k, v := range base {
			q[k] = v
		}
		q.Set("limit", strconv.Itoa(c.pageSize))
		q.Set("offset", strconv.Itoa(offset))
		n := 0
		err := c.call(ctx, request{method: http.MethodGet, path: path, query: q, decode: func(data []byte) error {
			var err error
			n, err = decodePage(data, op, kind, offset, seen, each)
			return err
		}})
		if err != nil {
			return err
		}
		if n < c.pageSize {
			return nil
		}
		offset += n
		if offset >= maxListRecords {
			return fmt.Errorf("e-Boekhouden REST %s: %w: more than %d records", op, ErrUnreadable, maxListRecords)
		}
	}
}

// decodePage reads one page {"items":[...],"count":n} and hands each item
// to each. seen holds the ids of the earlier pages; a repeated id is an
// error. n is the number of items on the page.
func decodePage(data []byte, op, kind string, offset int, seen map[int64]bool, each func(raw json.RawMessage, index int) (int64, error)) (int, error) {
	var env struct {
		Items *[]json.RawMessage `json:"items"`
	}
	if err := unmarshalRecord(data, &env); err != nil {
		var fe *fieldError
		if errors.As(err, &fe) && fe.field == "" {
			if _, syntax := fe.err.(*json.SyntaxError); syntax {
				return 0, fe.err // cut off: transient
			}
		}
		return 0, fmt.Errorf("e-Boekhouden REST %s: the answer is not a list: %w", op, err)
	}
	if env.Items == nil {
		// Not an empty list: an answer without its items (another shape)
		// read as "none" would make a look-up say "not found".
		return 0, fmt.Errorf("e-Boekhouden REST %s: %w: the answer has no items list", op, ErrUnreadable)
	}
	for i, raw := range *env.Items {
		id, err := each(raw, offset+i)
		if err != nil {
			return 0, recordError(op, kind, offset+i, idOf(raw), err)
		}
		if id != 0 && seen[id] {
			// The server ignored offset, or the list changed under the
			// read: refuse rather than import twice.
			return 0, fmt.Errorf("e-Boekhouden REST %s: %w: %s %d came twice while paging", op, ErrUnreadable, kind, id)
		}
		seen[id] = true
	}
	return len(*env.Items), nil
}

// get reads one record by id; the answer must be that record.
func (c *Client) get(ctx context.Context, path, kind string, id int64, parse func(json.RawMessage) (int64, error)) error {
	op := fmt.Sprintf("GET %s/%d", path, id)
	if id <= 0 {
		return fmt.Errorf("e-Boekhouden REST %s: invalid id", op)
	}
	return c.call(ctx, request{method: http.MethodGet, path: fmt.Sprintf("%s/%d", path, id), decode: func(data []byte) error {
		got, err := parse(data)
		if err != nil {
			var syn *json.SyntaxError
			if errors.As(err, &syn) {
				return syn
			}
			return recordError(op, kind, -1, id, err)
		}
		if got != id {
			return &RecordError{Op: op, Kind: kind, Index: -1, ID: id, Field: "id", Err: fmt.Errorf("the answer is %s %d", kind, got)}
		}
		return nil
	}})
}

// ListRelations returns every relation's id, type and code (GET
// /v1/relation), optionally filtered (code, type, email, name, contact,
// city). Details need GetRelation, one call per relation (§5.1).
func (c *Client) ListRelations(ctx context.Context, filters ...Filter) ([]RelationRef, error) {
	return listAll(ctx, c, "/v1/relation", "relation", filters, parseRelationRef, func(v RelationRef) int64 { return v.ID })
}

// GetRelation returns one relation (GET /v1/relation/{id}); ErrNotFound
// when there is none.
func (c *Client) GetRelation(ctx context.Context, id int64) (Relation, error) {
	var r Relation
	err := c.get(ctx, "/v1/relation", "relation", id, func(raw json.RawMessage) (int64, error) {
		var err error
		r, err = parseRelation(raw)
		return r.ID, err
	})
	if err != nil {
		return Relation{}, err
	}
	return r, nil
}

// ListProducts returns every product's id, code, description, unit and
// active flag (GET /v1/product), optionally filtered (code, groupCode).
func (c *Client) ListProducts(ctx context.Context, filters ...Filter) ([]ProductRef, error) {
	return listAll(ctx, c, "/v1/product", "product", filters, parseProductRef, func(v ProductRef) int64 { return v.ID })
}

// GetProduct returns one product with its prices (GET /v1/product/{id});
// ErrNotFound when there is none.
func (c *Client) GetProduct(ctx context.Context, id int64) (Product, error) {
	var p Product
	err := c.get(ctx, "/v1/product", "product", id, func(raw json.RawMessage) (int64, error) {
		var err error
		p, err = parseProduct(raw)
		return p.ID, err
	})
	if err != nil {
		return Product{}, err
	}
	return p, nil
}

// ListUnits returns the units (GET /v1/unit), optionally filtered
// (singular, plural).
func (c *Client) ListUnits(ctx context.Context, filters ...Filter) ([]Unit, error) {
	return listAll(ctx, c, "/v1/unit", "unit", filters, parseUnit, func(v Unit) int64 { return v.ID })
}

// ListInvoiceTemplates returns the invoice templates (GET
// /v1/invoicetemplate), optionally filtered (name, type, active).
func (c *Client) ListInvoiceTemplates(ctx context.Context, filters ...Filter) ([]InvoiceTemplate, error) {
	return listAll(ctx, c, "/v1/invoicetemplate", "invoice template", filters, parseTemplate, func(v InvoiceTemplate) int64 { return v.ID })
}
