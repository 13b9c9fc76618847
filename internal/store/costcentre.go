package store

import (
	"errors"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// This file owns the cost centre setting (export.cost_centre): the
// e-Boekhouden cost centre (kostenplaats) the invoice lines are booked on,
// stored by its id together with its description as it was when chosen,
// as one text: "2201 Installatie", or "" for none. The id is what an
// invoice line carries (REST costCenterId, an int32; SOAP KostenplaatsID);
// the description lets a screen and the log name a cost centre that can no
// longer be looked up. Whether the id exists in the administration is not
// the store's to know: the window checks it against e-Boekhouden's list
// before it saves (internal/backend).

// The refusals of a cost centre by the check against the administration
// (SettingError.Rule; internal/backend makes them).
const (
	// RuleCostCentreUnknown: the administration has no active cost centre
	// with the id.
	RuleCostCentreUnknown = "cost_centre_unknown"
	// RuleCostCentreUnchecked: the administration's cost centres could not
	// be read, so the id could not be checked.
	RuleCostCentreUnchecked = "cost_centre_unchecked"
)

// idNamePattern is an id from 1 without leading zeros, then optionally
// the name after white space.
var idNamePattern = regexp.MustCompile(`^([1-9][0-9]{0,9})(?:\s+(\S.*))?$`)

// idNameMaxName bounds the name kept with the id.
// [inferred: the REST reference names COST_004 "too long" without a limit]
const idNameMaxName = 100

// idName is the form of a setting that names a record of the
// administration by its id and, for the reader, its name as it was when
// chosen ("2201 Installatie"): export.cost_centre, export.email_template.
// Its fields are the Dutch refusals.
type idName struct{ form, tooBig, tooLong string }

// idNameValue is the setting's text: "" for id 0.
func idNameValue(id int64, name string) string {
	if id == 0 {
		return ""
	}
	name = strings.Join(strings.Fields(name), " ")
	if name == "" {
		return strconv.FormatInt(id, 10)
	}
	return strconv.FormatInt(id, 10) + " " + name
}

// parse reads the setting's text: the id (0 for "") and the name.
func (f idName) parse(v string) (id int64, name string, err error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, "", nil
	}
	if strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return 0, "", errors.New("de tekst bevat een stuurteken")
	}
	m := idNamePattern.FindStringSubmatch(v)
	if m == nil {
		return 0, "", errors.New(f.form)
	}
	id, err = strconv.ParseInt(m[1], 10, 64)
	if err != nil || id > math.MaxInt32 {
		return 0, "", errors.New(f.tooBig)
	}
	name = strings.Join(strings.Fields(m[2]), " ")
	if len([]rune(name)) > idNameMaxName {
		return 0, "", errors.New(f.tooLong)
	}
	return id, name, nil
}

// def is the setting key of this form; fields points at its id and name.
func (f idName) def(key string, fields func(s *Settings) (*int64, *string)) settingDef {
	return settingDef{
		key: key, def: "",
		parse: func(v string) (string, error) {
			id, name, err := f.parse(v)
			if err != nil {
				return "", err
			}
			return idNameValue(id, name), nil
		},
		get: func(s *Settings) string { id, name := fields(s); return idNameValue(*id, *name) },
		set: func(s *Settings, v string) { id, name := fields(s); *id, *name, _ = f.parse(v) },
	}
}

// costCentreForm is export.cost_centre's.
var costCentreForm = idName{
	form:    "de kostenplaats is het nummer van een kostenplaats uit e-Boekhouden, eventueel met de omschrijving erachter (bijvoorbeeld 2201 Installatie), of leeg voor geen",
	tooBig:  "het nummer van de kostenplaats is te groot",
	tooLong: "de omschrijving van de kostenplaats mag hoogstens 100 tekens zijn",
}

// CostCentreValue is the setting's text for a cost centre: "" for id 0.
func CostCentreValue(id int64, description string) string { return idNameValue(id, description) }

// ParseCostCentre reads the setting's text: the id (0 for "") and the
// description. The error is Dutch and names the form.
func ParseCostCentre(v string) (id int64, description string, err error) {
	return costCentreForm.parse(v)
}

func costCentreDef() settingDef {
	return costCentreForm.def(KeyCostCentre, func(s *Settings) (*int64, *string) { return &s.CostCentreID, &s.CostCentre })
}
